// The op-by-op schedule: each op one program, launched by the dispatcher after the one before has finished
// on every core, its output back in DRAM for the next. Checked against cycle counts derived by hand (the
// one-core matmul derivation of tests/sim/matmul_timing_test.cpp, run twice) and against the dispatcher's
// rules measured on the engines' activities.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

#include "sim/chip/chip.h"
#include "sim/config/config_loader.h"
#include "sim/mapper/mapper.h"
#include "sim/workload/trace_reader.h"
#include "tests/support/cli.h"

using namespace tessera;
using tessera::test::run_tessera;

namespace {

// C = A x B, then E = C x D: two 256x256x256 bf16 HiFi4 matmuls.
const char* kTwoMatmuls = R"({"format": "tessera-trace", "version": 1, "name": "two_gemms",
  "tensors": [{"name": "a", "shape": [256, 256], "kind": "input", "format": "bf16"},
              {"name": "b", "shape": [256, 256], "kind": "weight", "format": "bf16"},
              {"name": "c", "shape": [256, 256], "format": "bf16"},
              {"name": "d", "shape": [256, 256], "kind": "weight", "format": "bf16"},
              {"name": "e", "shape": [256, 256], "format": "bf16"}],
  "ops": [{"name": "first", "type": "matmul", "inputs": ["a", "b"], "outputs": ["c"], "fidelity": "hifi4"},
          {"name": "second", "type": "matmul", "inputs": ["c", "d"], "outputs": ["e"], "fidelity": "hifi4"}]})";

std::string trace_file() {
  const std::string dir = tessera::test::fresh_temp_dir("op_by_op");
  tessera::test::write_text(dir + "/two_gemms.json", kTwoMatmuls);
  return dir + "/two_gemms.json";
}

}  // namespace

TEST_CASE("op by op, two matmuls on one core take two launches and two hand-derived programs", "[chip][timing][op_by_op]") {
  const auto r = run_tessera("run --config configs/toy_4x4.json --trace " + trace_file() +
                             " --set noc.model=ideal --set chip.compute_grid.width=1 --set chip.compute_grid.height=1"
                             " --set mapper.schedule=op_by_op --json --quiet");
  REQUIRE(r.exit_code == 0);
  const auto report = nlohmann::json::parse(r.out);
  // tests/sim/matmul_timing_test.cpp derives one such matmul on this core from a start at 0: A read from
  // channel 0, B from channel 1, 16 packets of 8 KiB each; compute to 41125; the output's 16 packets
  // written to channel 0 (1 hop away), done at 46980. Op by op each program starts at its launch, 610 cycles
  // (dispatch.launch_cycles of the toy's Wormhole preset) after the one before has ended; one core means
  // no go-signal stagger. DRAM transfers go to the channel with the fewest bytes booked so far, reads of
  // all programs first (A 0, B 1, C's two 64 KiB row chunks 0 and 1, D 0), then writes (C 1, E 0).
  //   first: launched at 610; as derived there, but C goes to channel 1, 3 hops away instead of 1:
  //     2 x 9 cycles later, 46998. Ends at 47608.
  //   second: launched at 47608 + 610 = 48218. Channel 0 serves C's first chunk and D, 8 + 16 packets of
  //     342 cycles after its 270-cycle latency: the last leaves at 270 + 24 x 342 = 8478 and arrives 1 hop
  //     away at 8478 + 274 + 9 = 8761 (the inbound port keeps up: 128 cycles a packet, 342 apart).
  //     Launch 400 and unpack's one tile step of 8: math 9169 .. 41937, packed by 41941. E's 16 packets
  //     reach channel 0 at 41941 + 283 = 42224 and are written from 42324: 42324 + 16 x 342 = 47796.
  //   Total: 48218 + 47796 = 96014.
  CHECK(report["total_cycles"].get<double>() == Approx(96014).epsilon(0.002));
  CHECK(report["schedule"] == "op_by_op");
  CHECK(report["programs"] == 2);
  const auto& ops = report["ops"];
  // The second program starts only after the first has ended and the dispatcher has launched it.
  CHECK(ops[1]["start_cycle"].get<uint64_t>() >= ops[0]["end_cycle"].get<uint64_t>() + 610);
  // The intermediate went through DRAM: C written once and read once on top of the fused run's traffic.
  const auto fused = run_tessera("run --config configs/toy_4x4.json --trace " + trace_file() +
                                 " --set noc.model=ideal --set chip.compute_grid.width=1"
                                 " --set chip.compute_grid.height=1 --json --quiet");
  REQUIRE(fused.exit_code == 0);
  CHECK(nlohmann::json::parse(fused.out)["total_cycles"].get<uint64_t>() < report["total_cycles"].get<uint64_t>());
}

TEST_CASE("op by op, the dispatcher's go signals reach a program's cores one after another", "[chip][op_by_op]") {
  const ArchConfig config = load_arch_config(
      "configs/toy_4x4.json", {"mapper.schedule=op_by_op", "dispatch.go_cycles_per_core=3000", "dispatch.launch_cycles=500"});
  const Graph graph = read_trace(trace_file());
  const Plan plan = map_graph(config, graph);
  REQUIRE(plan.launches.size() == 2);
  Chip chip(config, plan);
  const RunResult run = chip.run();
  // First compute activity of each core in each program: no core computes before its go signal, which
  // for the k-th core of a program comes k x 3000 cycles after the program's first.
  std::map<std::pair<int, int>, uint64_t> first_compute;  // (op, core) -> cycle
  for (const Activity& a : run.activities) {
    if (a.engine == Engine::reader || a.engine == Engine::dram || a.engine == Engine::writer) continue;
    auto [it, fresh] = first_compute.try_emplace({a.op, a.unit}, a.start);
    if (!fresh) it->second = std::min(it->second, a.start);
  }
  uint64_t previous_end = 0;
  for (const Launch& launch : plan.launches) {
    REQUIRE(launch.cores.size() > 1);
    uint64_t go = UINT64_MAX;
    for (size_t k = 0; k < launch.cores.size(); ++k) {
      const auto it = first_compute.find({launch.op, launch.cores[k]});
      REQUIRE(it != first_compute.end());
      if (k == 0) go = it->second;
      CHECK(it->second >= previous_end + 500 + 3000 * k);
    }
    // And the program after starts only once every activity of this one has ended.
    for (const Activity& a : run.activities)
      if (a.op == launch.op) previous_end = std::max(previous_end, a.end);
    CHECK(go >= 500);
  }
}
