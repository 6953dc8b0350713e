// One matmul on 1x1, 2x2 and 4x4 grids of the toy chip, timed by the whole chip model and checked
// against cycle counts derived by hand from the config. The NoC is `ideal` here (no contention), so the
// derivation needs only the empty-network latency; the NoC's own tests cover contention.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "tests/support/cli.h"

using tessera::test::run_tessera;

namespace {

// C[256x256] = A[256x256] x B[256x256], bf16, HiFi4: 8x8 output tiles, 8 tiles of reduction.
const char* kTrace = R"({"format": "tessera-trace", "version": 1, "name": "gemm256",
  "tensors": [{"name": "a", "shape": [256, 256], "kind": "input", "format": "bf16"},
              {"name": "b", "shape": [256, 256], "kind": "weight", "format": "bf16"},
              {"name": "c", "shape": [256, 256], "format": "bf16"}],
  "ops": [{"name": "gemm", "type": "matmul", "inputs": ["a", "b"], "outputs": ["c"], "fidelity": "hifi4"}]})";

uint64_t cycles_on_grid(const std::string& trace, int side) {
  const auto r = run_tessera("run --config configs/toy_4x4.json --trace " + trace + " --set noc.model=ideal" +
                             " --set chip.compute_grid.width=" + std::to_string(side) +
                             " --set chip.compute_grid.height=" + std::to_string(side) + " --json --quiet");
  REQUIRE(r.exit_code == 0);
  return nlohmann::json::parse(r.out)["total_cycles"].get<uint64_t>();
}

}  // namespace

TEST_CASE("matmul cycles on one core follow from tiles, tile cost and transfers", "[chip][timing]") {
  const std::string dir = tessera::test::fresh_temp_dir("gemm");
  tessera::test::write_text(dir + "/gemm.json", kTrace);
  // Toy chip (Wormhole-like): 1 GHz, DRAM 24 B/cycle per channel, read latency 270, write latency 100,
  // channels at (0,0) and (2,0) on a 4x5 torus; the single core sits at (0,1). NoC packets carry 8192 B =
  // 256 flits + 1 header; an empty network delivers a packet in 5 (inject) + 9 per hop + 8 (last router)
  // + 256 (flits behind the head) + 5 (eject) = 274 + 9 * hops cycles.
  //
  // Reads: A (128 KiB) on channel 0 and B on channel 1, 16 packets each, 8192 / 24 -> 342 cycles each:
  //   last packet leaves DRAM at 270 + 16 * 342 = 5742.
  //   A: 1 hop to (0,1)  -> 5742 + 274 + 9 = 6025;  B: 2 hops in X + 1 in Y -> 5742 + 274 + 27 = 6043.
  //   The reader forwards packets in the order it booked them, so B's 16 packets, all out of DRAM by
  //   5742, follow A's last and the ideal NoC (no bandwidth limit) delivers them together at 6043.
  // Landing: the core's inbound port writes arriving packets into SRAM at 64 B/cycle (two NIUs), 128
  //   cycles a packet, each starting as its bytes begin to arrive (256 cycles before its tail on a 32 B
  //   link). A's packets come 342 cycles apart and land on arrival; A's last is written 5769 .. 5897.
  //   B's first is written 5897 .. 6025 (landing at its arrival, 6043), the other 15 one after another:
  //   the last lands at 6025 + 15 * 128 = 7945.
  // Compute: launch 400 -> starts 8345. Math: 8 x 8 x 8 = 512 tile products x 64 cycles (HiFi4) = 32768.
  //   Unpack 256 KiB at 64 B/cycle = 4096 cycles streams ahead of math by one tile step (4096 / 512 = 8):
  //   math 8353 .. 41121. Pack 128 KiB at 64 B/cycle = 2048, ending 4 cycles after math: 41125.
  // Write: 16 packets reach channel 0 at 41125 + 274 + 9 = 41408; the channel writes them one after
  //   another from 41408 + 100: 41508 + 16 * 342 = 46980.
  const uint64_t one = cycles_on_grid(dir + "/gemm.json", 1);
  CHECK(one == Approx(46980).epsilon(0.005));

  // More cores share the math but not the DRAM: the same 256 KiB is read (operands multicast to the
  // cores that share them) and 128 KiB written, over the same two channels. A lower bound on a P-core run:
  //   every DRAM byte through both channels: 270 + (256 + 128) KiB / 48 B/cycle = 8462 cycles; and
  //   the last operand packet (5742) + launch 400 + 32768 / P of math + the last core's share of the
  //   output written at 24 B/cycle after a 100-cycle latency.
  // So the speed-up one/T(P) is at most one/max(those); the model should get within 20% of that bound.
  auto bound = [&](int p) {
    const double dram_all = 270 + (256.0 + 128.0) * 1024 / 48;
    const double last_core = 5742 + 400 + 32768.0 / p + 100 + (128.0 * 1024 / p) / 24;
    return double(one) / std::max(dram_all, last_core);
  };
  const double s2 = double(one) / double(cycles_on_grid(dir + "/gemm.json", 2));
  const double s4 = double(one) / double(cycles_on_grid(dir + "/gemm.json", 4));
  CHECK(s2 <= bound(4));
  CHECK(s2 >= 0.8 * bound(4));
  CHECK(s4 <= bound(16));
  CHECK(s4 >= 0.8 * bound(16));
  CHECK(s4 > s2);
}
