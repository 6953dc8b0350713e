// One core running a long-K HiFi4 matmul: once the pipeline is full the matrix unit never waits, so math
// busy time over the span of the op's math, and the op's utilisation, reach the configured peak.
#include <catch2/catch.hpp>

#include "tests/chip/chip_run.h"
#include "tests/support/cli.h"

using namespace tessera::test;

namespace {

// C[512x256] = A[512x4096] x B[4096x256], bf16, HiFi4.
const char* kLongK = R"({"format": "tessera-trace", "version": 1, "name": "long_k",
  "tensors": [{"name": "a", "shape": [512, 4096], "kind": "input", "format": "bf16"},
              {"name": "b", "shape": [4096, 256], "kind": "weight", "format": "bf16"},
              {"name": "c", "shape": [512, 256], "format": "bf16"}],
  "ops": [{"name": "gemm", "type": "matmul", "inputs": ["a", "b"], "outputs": ["c"], "fidelity": "hifi4"}]})";

}  // namespace

TEST_CASE("one core's long-K HiFi4 matmul runs at the configured peak once the pipeline is full",
          "[chip][calibration]") {
  // Toy chip, one core, ideal NoC. Tiles: M 16, N 8, K 128 -> 16 * 8 * 128 = 16384 tile products at
  // 64 cycles (matmul_cycles_per_tile.hifi4) = 1,048,576 math cycles, 512 MACs per cycle at peak.
  // Compute dominates every block: a sub-block is 8 x 8 output tiles over a K chunk of 8 tiles, i.e.
  //   math   8 * 8 * 8 * 64              = 32,768 cycles, while
  //   DRAM   (64 A + 64 B tiles) * 2048 B = 256 KiB over two 24 B/cycle channels = 5,461 cycles,
  //   unpack (64 A + 64 B + 64 partial-sum tiles) * 2048 B / 64 B/cycle = 6,144 cycles.
  // So the matrix unit should be busy for the whole span of its math (>= 98% allowed), and the op's
  // utilisation, whose span adds only the first unpack step and the last block's pack and 128 KiB
  // write (about 4,100 cycles, 0.4%), should also be >= 98%.
  const std::string out = fresh_temp_dir("peak");
  const auto report = run_into(out, "configs/toy_4x4.json", temp_trace("long_k.json", kLongK), kOneCoreIdeal);

  const uint64_t expected_math = 16ull * 8 * 128 * 64;
  REQUIRE(report["cores"].size() == 1);
  CHECK(report["cores"][0]["math_busy_cycles"].get<uint64_t>() == expected_math);

  const EngineSpan math = engine_span(out, "math");
  CHECK(math.busy == expected_math);
  CHECK(double(math.busy) / double(math.span()) >= 0.98);

  const auto& op = report["ops"][0];
  CHECK(op["executed_macs"].get<uint64_t>() == 512ull * 4096 * 256);
  CHECK(op["utilization"].get<double>() >= 0.98);
  CHECK(op["utilization"].get<double>() <= 1.0);
  // Peak of one core at HiFi4, 1 GHz: 2 * 32^3 / 64 = 1024 FLOP/cycle = 1.024 TFLOPS.
  CHECK(report["peak_tflops"].get<double>() == Approx(1.024));
}
