// tessera run --system in every parallel mode, as a user runs it (so that the sanitizer build runs the
// multi-chip path too): the figures that must hold between the parts of report.json whatever the mode,
// the same bytes twice. The numbers themselves are checked against second methods in
// tests/python/test_system_run.py.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "tests/support/cli.h"

using tessera::test::run_tessera;

namespace {

nlohmann::json system_run(const std::string& args) {
  const auto r = run_tessera("run " + args + " --json -q");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return nlohmann::json::parse(r.out);
}

}  // namespace

TEST_CASE("tessera run --system: every mode composes its stages and collectives into the total", "[system][cli]") {
  const std::string dir = tessera::test::fresh_temp_dir("system_run");
  const std::string py = "/usr/bin/python3 " TESSERA_SOURCE_DIR "/scripts/";
  REQUIRE(std::system((py + "gen_yolov6.py --model n --img 64 --batch 2 -o " + dir + "/y2.json > /dev/null").c_str()) == 0);
  REQUIRE(std::system((py + "gen_moe.py --model switch-base-8 --tokens 32 --routing zipf -o " + dir + "/moe.json").c_str()) == 0);
  struct Case {
    std::string trace, mode;
  };
  for (const Case& c : {Case{"y2.json", "data"}, Case{"y2.json", "pipeline"}, Case{"moe.json", "tensor"},
                        Case{"moe.json", "expert"}}) {
    INFO(c.mode);
    const std::string args = "--system configs/systems/n300.json --trace " + dir + "/" + c.trace +
                             " --set mapper.parallel=" + c.mode;
    const nlohmann::json r = system_run(args);
    CHECK(r["parallel"] == c.mode);
    const uint64_t total = r["total_cycles"];
    if (c.mode != "pipeline") CHECK(total == r["compute_cycles"].get<uint64_t>() + r["collective_cycles"].get<uint64_t>());
    uint64_t busiest = 0;
    for (const auto& d : r["devices"]) {
      CHECK(d["busy_cycles"].get<uint64_t>() + d["idle_cycles"].get<uint64_t>() == total);
      busiest = std::max(busiest, d["busy_cycles"].get<uint64_t>());
    }
    CHECK(busiest > 0);
    for (const auto& l : r["ethernet"]) CHECK(l["utilisation"].get<double>() <= 1.0);
    // Stages in order, none before the one it follows.
    uint64_t last_end = 0;
    for (const auto& st : r["stages"]) {
      if (c.mode != "pipeline") CHECK(st["start_cycle"].get<uint64_t>() >= last_end);
      last_end = st["end_cycle"];
    }
    CHECK(run_tessera("run " + args + " --json -q").out == r.dump(2) + "\n");
    // The system's ccl keys are the system's: a longer op launch lengthens a run that has collectives.
    if (c.mode == "tensor") {
      const nlohmann::json slow = system_run(args + " --set ccl.op_launch_ns=100000");
      CHECK(slow["collective_cycles"].get<uint64_t>() > r["collective_cycles"].get<uint64_t>());
    }
  }
}
