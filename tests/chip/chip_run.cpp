#include "tests/chip/chip_run.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <set>
#include <utility>

#include "tests/support/cli.h"

namespace tessera::test {

nlohmann::json run_report(const std::string& config, const std::string& trace, const std::string& extra) {
  const CliResult r = run_tessera("run --config " + config + " --trace " + trace + " " + extra + " --json --quiet");
  INFO("tessera run " << config << " " << trace << " " << extra << "\nstderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  return nlohmann::json::parse(r.out);
}

nlohmann::json run_into(const std::string& out_dir, const std::string& config, const std::string& trace,
                        const std::string& extra) {
  const CliResult r =
      run_tessera("run --config " + config + " --trace " + trace + " " + extra + " --quiet --out " + out_dir);
  INFO("tessera run " << config << " " << trace << " " << extra << "\nstderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  return nlohmann::json::parse(read_text(out_dir + "/report.json"));
}

double dram_total(const nlohmann::json& report, const std::string& counter) {
  double total = 0;
  for (const auto& [channel, stats] : report["stats"]["dram"].items())
    if (channel != "all" && stats.contains(counter)) total += stats[counter]["value"].get<double>();
  return total;
}

EngineSpan engine_span(const std::string& out_dir, const std::string& engine) {
  const nlohmann::json t = nlohmann::json::parse(read_text(out_dir + "/timeline.json"));
  // Timestamps are microseconds; the clock converts them back to cycles.
  // Spans merged to shorten a long timeline would overstate busy time: these tests need them whole.
  REQUIRE(t["otherData"]["merge_gap_cycles"].get<uint64_t>() == 0);
  const double cycles_per_us = t["otherData"]["clock_ghz"].get<double>() * 1000.0;
  std::set<int> core_pids;
  std::set<std::pair<int, int>> engine_threads;
  for (const auto& e : t["traceEvents"]) {
    if (e.value("ph", "") != "M") continue;
    const std::string what = e.value("name", "");
    const std::string label = e.contains("args") ? e["args"].value("name", "") : "";
    if (what == "process_name" && label.rfind("core", 0) == 0) core_pids.insert(e["pid"].get<int>());
    if (what == "thread_name" && label == engine) engine_threads.insert({e["pid"].get<int>(), e["tid"].get<int>()});
  }
  EngineSpan s;
  s.first_start = UINT64_MAX;
  for (const auto& e : t["traceEvents"]) {
    if (e.value("ph", "") != "X" || !e.contains("tid")) continue;
    const int pid = e["pid"].get<int>(), tid = e["tid"].get<int>();
    if (!core_pids.count(pid) || !engine_threads.count({pid, tid})) continue;
    const auto start = uint64_t(std::llround(e["ts"].get<double>() * cycles_per_us));
    const auto dur = uint64_t(std::llround(e["dur"].get<double>() * cycles_per_us));
    s.first_start = std::min(s.first_start, start);
    s.last_end = std::max(s.last_end, start + dur);
    s.busy += dur;
  }
  if (s.first_start == UINT64_MAX) s.first_start = 0;
  return s;
}

std::string temp_trace(const std::string& name, const std::string& text) {
  const std::string path = fresh_temp_dir("chip") + "/" + name;
  write_text(path, text);
  return path;
}

std::string generated_yolov6_320(const std::string& model, const std::string& release) {
  const std::string path = fresh_temp_dir("yolo320") + "/yolov6_" + release + "_" + model + "_320.json";
  const std::string command = "cd " TESSERA_SOURCE_DIR " && python3 scripts/gen_yolov6.py --release " + release +
                              " --model " + model + " --img 320 -o " + path + " >/dev/null";
  REQUIRE(std::system(command.c_str()) == 0);
  return path;
}

}  // namespace tessera::test
