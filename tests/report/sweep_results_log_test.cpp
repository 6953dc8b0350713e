// The sweep's results log: a partial last line (a kill mid-write) is dropped on open, a JSON line whose
// CSV row is missing gets the row back, and finished points are remembered.
#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "sim/base/errors.h"
#include "sim/sweep/results_log.h"

using namespace tessera;
using namespace tessera::sweep;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

SweepSpec spec_with_axis() {
  SweepSpec s;
  s.base = "configs/toy_4x4.json";
  s.traces = {"t.json"};
  s.axes = {Axis{"noc.link_bytes_per_cycle", {32, 64}}};
  return s;
}

nlohmann::json record(const std::string& value) {
  return {{"point", "t.json noc.link_bytes_per_cycle=" + value}, {"index", 0}, {"trace", "t.json"},
          {"axes", {{"noc.link_bytes_per_cycle", value}}}, {"cycles", 100}, {"seconds", 1e-7},
          {"energy_j", 2e-6}, {"average_power_w", 20.0}, {"tops_per_watt", 1.5}, {"achieved_tflops", 3.0},
          {"utilization", 0.5}};
}

}  // namespace

TEST_CASE("results log drops partial lines and restores missing CSV rows", "[sweep]") {
  const std::string dir = std::filesystem::temp_directory_path() / ("tessera-log-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const SweepSpec spec = spec_with_axis();
  {
    ResultsLog log(dir, spec);
    log.append(record("32"));
    CHECK(log.finished("t.json noc.link_bytes_per_cycle=32"));
  }
  // A kill after the JSON line of the second point but before its CSV row, and one mid-way through a third.
  {
    std::ofstream j(dir + "/results.jsonl", std::ios::app);
    j << record("64").dump() << "\n" << "{\"point\": \"t.json noc.link_bytes";
    std::ofstream c(dir + "/results.csv", std::ios::app);
    c << "128,t.json,1";
  }
  {
    ResultsLog log(dir, spec);
    CHECK(log.finished("t.json noc.link_bytes_per_cycle=32"));
    CHECK(log.finished("t.json noc.link_bytes_per_cycle=64"));
  }
  const std::string jsonl = slurp(dir + "/results.jsonl"), csv = slurp(dir + "/results.csv");
  CHECK(std::count(jsonl.begin(), jsonl.end(), '\n') == 2);
  CHECK(jsonl.back() == '\n');
  CHECK(csv ==
        "noc.link_bytes_per_cycle,trace,cycles,seconds,energy_j,average_power_w,tops_per_watt,achieved_tflops,"
        "utilization,point\n"
        "32,t.json,100,1e-07,2e-06,20,1.5,3,0.5,t.json noc.link_bytes_per_cycle=32\n"
        "64,t.json,100,1e-07,2e-06,20,1.5,3,0.5,t.json noc.link_bytes_per_cycle=64\n");

  SweepSpec other = spec;
  other.axes[0].key = "core.sram_kib";
  CHECK_THROWS_AS(ResultsLog(dir, other), InputError);
  std::filesystem::remove_all(dir);
}
