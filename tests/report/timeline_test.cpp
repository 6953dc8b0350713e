// The timeline's event limit: spans of the same op on the same track merge until the count fits, and the
// result stays a valid Chrome trace.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "sim/config/config_loader.h"
#include "sim/report/timeline.h"

using namespace tessera;

namespace {

Plan one_core_plan() {
  Plan plan;
  CoreProgram core;
  core.pos = GridPos{0, 1};
  plan.cores.push_back(core);
  for (const char* name : {"conv_a", "conv_b"}) {
    OpPlan op;
    op.name = name;
    plan.ops.push_back(op);
  }
  return plan;
}

}  // namespace

TEST_CASE("timeline keeps every span below the limit and merges above it", "[timeline]") {
  const ArchConfig config = load_arch_config(TESSERA_SOURCE_DIR "/configs/toy_4x4.json");
  const Plan plan = one_core_plan();
  RunResult run;
  // 1000 math spans of op 0 with 2-cycle gaps, then 1000 of op 1.
  for (int i = 0; i < 2000; ++i)
    run.activities.push_back({0, Engine::math, i < 1000 ? 0 : 1, uint64_t(i) * 10, uint64_t(i) * 10 + 8});
  run.total_cycles = 20000;

  TimelineInfo all;
  const auto full = nlohmann::json::parse(timeline_json(config, plan, run, 5000, &all));
  CHECK(all.span_events == 2000);
  CHECK(all.merge_gap_cycles == 0);

  TimelineInfo merged;
  const auto small = nlohmann::json::parse(timeline_json(config, plan, run, 100, &merged));
  CHECK(merged.recorded_spans == 2000);
  CHECK(merged.span_events <= 100);
  CHECK(merged.merge_gap_cycles >= 2);
  size_t spans = 0;
  uint64_t covered_a = 0;
  for (const auto& e : small["traceEvents"]) {
    if (e["ph"] != "X") continue;
    ++spans;
    CHECK(e["pid"] == 1);
    CHECK(e["tid"] == 4);  // math is the fourth engine track
    if (e["name"] == "conv_a") covered_a += uint64_t(e["dur"].get<double>() * 1000 + 0.5);
  }
  CHECK(spans == merged.span_events);
  CHECK(spans == 2);  // one per op: the ops never merge with each other
  CHECK(covered_a == 9998);  // from cycle 0 to the end of the last op-0 span (1 GHz: 1 ns per cycle)
}
