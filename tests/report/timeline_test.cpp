// The timeline's event limit: spans of the same op on the same track merge until the count fits, and the
// result stays a valid Chrome trace; its NoC counters come from the load the NoC recorded.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "noc/noc_model.h"
#include "sim/chip/engine_load.h"
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

TEST_CASE("timeline NoC counters show the load the NoC recorded for one transfer", "[timeline][stats]") {
  const ArchConfig config = load_arch_config(TESSERA_SOURCE_DIR "/configs/toy_4x4.json");
  // toy_4x4: one 4x5 torus (20 links per direction), flit model, routing 2 + VC allocation 2 cycles before
  // switch allocation, a 5-cycle injection latency, 32-byte flits. 1024 bytes from (0,1) to (1,1): 33 flits
  // over the one east link (0,1)->(1,1); the head reaches the router at 5 and wins the switch at 5 + 2 + 2
  // = 9, the cycle the flit model records a flit on its link: the link carries [9, 42).
  auto noc = noc::make_noc_model(config.noc);
  noc->inject({1, config.node_id({0, 1}), {config.node_id({1, 1})}, 1024}, 0);
  std::vector<noc::Delivery> delivered;
  noc->advance_to(noc::kNever - 1, delivered, false);
  REQUIRE(delivered.size() == 1);
  RunResult run;
  run.total_cycles = 64;
  run.stats.set_windows(16, 4);
  noc->report_stats(run.stats, "noc.");

  const auto timeline = nlohmann::json::parse(timeline_json(config, one_core_plan(), run));
  std::vector<double> east, all, ts;
  for (const auto& e : timeline["traceEvents"]) {
    if (e["ph"] != "C") continue;
    if (e["name"] == "NoC link utilisation by direction %") {
      east.push_back(e["args"]["east"].get<double>());
      CHECK(e["args"]["west"].get<double>() == 0);
      ts.push_back(e["ts"].get<double>());
    }
    if (e["name"] == "NoC link utilisation %") all.push_back(e["args"]["all links"].get<double>());
  }
  // Flits per 16-cycle window: 7, 16, 10, 0; utilisation = flits / (20 links x 16 cycles), and over all
  // 80 links a quarter of that.
  REQUIRE(east.size() == 4);
  CHECK(east[0] == Approx(100.0 * 7 / 320));
  CHECK(east[1] == Approx(100.0 * 16 / 320));
  CHECK(east[2] == Approx(100.0 * 10 / 320));
  CHECK(east[3] == 0);
  REQUIRE(all.size() == 4);
  CHECK(all[1] == Approx(100.0 * 16 / 1280));
  CHECK(ts == std::vector<double>{0, 0.016, 0.032, 0.048});  // microseconds at 1 GHz
}

TEST_CASE("engine busy cycles per window count overlapping DMA requests once", "[timeline][stats]") {
  const ArchConfig config = load_arch_config(TESSERA_SOURCE_DIR "/configs/toy_4x4.json");
  const Plan plan = one_core_plan();
  RunResult run;
  run.total_cycles = 32;
  // math busy [0, 24); two DMA reads in flight together, [0, 10) and [5, 20): 20 cycles busy, not 25.
  run.activities = {{0, Engine::math, 0, 0, 24}, {0, Engine::reader, 0, 0, 10}, {0, Engine::reader, 0, 5, 20}};
  run.stats.set_windows(16, 2);
  record_engine_load(run.activities, plan, config.dram.positions.size(), run.stats);
  CHECK(run.stats.windows("core.0_1.math.busy_cycles") == std::vector<double>{16, 8});
  CHECK(run.stats.windows("core.0_1.dma_in.busy_cycles") == std::vector<double>{16, 4});
  CHECK(run.stats.get("core.all.dma_in.busy_cycles") == 20);

  const auto timeline = nlohmann::json::parse(timeline_json(config, plan, run));
  std::vector<double> math, dma_in;
  for (const auto& e : timeline["traceEvents"])
    if (e["ph"] == "C" && e["name"] == "Engine utilisation %") {
      math.push_back(e["args"]["math"].get<double>());
      dma_in.push_back(e["args"]["dma_in"].get<double>());
    }
  CHECK(math == std::vector<double>{100, 50});  // one core: 16 of 16 cycles, then 8 of 16
  CHECK(dma_in == std::vector<double>{100, 25});
}
