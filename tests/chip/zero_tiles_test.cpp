// Block sparsity: tiles of an input that are entirely zero are neither read from DRAM nor multiplied.
#include <catch2/catch.hpp>

#include <string>

#include "tests/chip/chip_run.h"

using namespace tessera::test;

namespace {

// C[256x256] = A[256x256] x B[256x256], bf16, HiFi4, with a fraction of A's tiles all zero.
std::string gemm_with_zero_tiles(const std::string& zero_tiles) {
  return R"({"format": "tessera-trace", "version": 1, "name": "sparse_gemm",
    "tensors": [{"name": "a", "shape": [256, 256], "kind": "input", "format": "bf16", "zero_tiles": )" +
         zero_tiles + R"(},
                {"name": "b", "shape": [256, 256], "kind": "weight", "format": "bf16"},
                {"name": "c", "shape": [256, 256], "format": "bf16"}],
    "ops": [{"name": "gemm", "type": "matmul", "inputs": ["a", "b"], "outputs": ["c"], "fidelity": "hifi4"}]})";
}

nlohmann::json run_sparse(const std::string& zero_tiles) {
  return run_report("configs/toy_4x4.json", temp_trace("sparse.json", gemm_with_zero_tiles(zero_tiles)), kOneCoreIdeal);
}

}  // namespace

TEST_CASE("half of an input's tiles zero halves its DRAM bytes and the math", "[chip][sparsity]") {
  // One core. Dense: 512 tile products x 64 = 32,768 math cycles; A and B read, 64 tiles x 2048 B each.
  // With half of A's tiles zero: 16,384 math cycles; A's bytes 65,536, B's unchanged 131,072.
  const auto dense = run_sparse("0");
  const auto half = run_sparse("0.5");
  CHECK(dense["cores"][0]["math_busy_cycles"].get<uint64_t>() == 32768);
  CHECK(half["cores"][0]["math_busy_cycles"].get<uint64_t>() == 16384);
  CHECK(dram_total(dense, "bytes_read") == 262144.0);
  CHECK(dram_total(half, "bytes_read") == 65536.0 + 131072.0);
  // The output is dense-shaped either way.
  CHECK(dram_total(half, "bytes_written") == 131072.0);
  CHECK(half["total_cycles"].get<uint64_t>() < dense["total_cycles"].get<uint64_t>());
}

// With every tile of A zero the matmul does no math and reads only B from DRAM.
TEST_CASE("an all-zero input costs no math and no DRAM reads of it", "[chip][sparsity]") {
  const auto none = run_sparse("1.0");
  CHECK(none["cores"][0]["math_busy_cycles"].get<uint64_t>() == 0);
  CHECK(dram_total(none, "bytes_read") == 131072.0);  // B only
}

// Executed MACs count only the tiles computed.
TEST_CASE("executed MACs of a block-sparse op count only the tiles computed", "[chip][sparsity]") {
  const auto half = run_sparse("0.5");
  CHECK(half["ops"][0]["macs"].get<int64_t>() == 256LL * 256 * 256);
  CHECK(half["ops"][0]["executed_macs"].get<int64_t>() == 256LL * 256 * 256 / 2);
}
