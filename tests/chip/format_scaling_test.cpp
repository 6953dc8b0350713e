// The same GEMM in bf16 / bfp8 / bfp4: DRAM bytes follow the tile sizes and math cycles the fidelity.
#include <catch2/catch.hpp>

#include <string>

#include "tests/chip/chip_run.h"

using namespace tessera::test;

namespace {

std::string gemm_256(const std::string& format, const std::string& fidelity) {
  return R"({"format": "tessera-trace", "version": 1, "name": "gemm256",
    "tensors": [{"name": "a", "shape": [256, 256], "kind": "input", "format": ")" + format + R"("},
                {"name": "b", "shape": [256, 256], "kind": "weight", "format": ")" + format + R"("},
                {"name": "c", "shape": [256, 256], "format": ")" + format + R"("}],
    "ops": [{"name": "gemm", "type": "matmul", "inputs": ["a", "b"], "outputs": ["c"],
             "fidelity": ")" + fidelity + R"("}]})";
}

struct Measured {
  double bytes_read, bytes_written;
  uint64_t math;
};

Measured run_format(const std::string& format, const std::string& fidelity) {
  const auto r = run_report("configs/toy_4x4.json", temp_trace("gemm.json", gemm_256(format, fidelity)), kOneCoreIdeal);
  return {dram_total(r, "bytes_read"), dram_total(r, "bytes_written"), r["cores"][0]["math_busy_cycles"].get<uint64_t>()};
}

}  // namespace

TEST_CASE("data formats change DRAM bytes by tile size and math cycles by fidelity", "[chip][formats]") {
  // 256^3 on one core: A and B are 8 x 8 = 64 tiles each, read once (128 tiles); C is 64 tiles written.
  // Tile bytes (docs/core.md, S-CONST): bf16 2048, bfp8 1088, bfp4 576.
  // Math: 8 * 8 * 8 = 512 tile products at 64 (HiFi4), 32 (HiFi2), 16 (LoFi) cycles.
  const Measured bf16 = run_format("bf16", "hifi4");
  const Measured bfp8 = run_format("bfp8", "hifi2");
  const Measured bfp4 = run_format("bfp4", "lofi");

  CHECK(bf16.bytes_read == 128 * 2048.0);  // 262,144
  CHECK(bfp8.bytes_read == 128 * 1088.0);  // 139,264
  CHECK(bfp4.bytes_read == 128 * 576.0);   //  73,728
  CHECK(bf16.bytes_written == 64 * 2048.0);
  CHECK(bfp8.bytes_written == 64 * 1088.0);
  CHECK(bfp4.bytes_written == 64 * 576.0);

  CHECK(bf16.math == 512u * 64);  // 32,768
  CHECK(bfp8.math == 512u * 32);  // 16,384
  CHECK(bfp4.math == 512u * 16);  //  8,192
}

TEST_CASE("fidelity alone scales math cycles 64:48:32:16 at a fixed format", "[chip][formats]") {
  const uint64_t hifi4 = run_format("bf16", "hifi4").math;
  const uint64_t hifi3 = run_format("bf16", "hifi3").math;
  const uint64_t hifi2 = run_format("bf16", "hifi2").math;
  const uint64_t lofi = run_format("bf16", "lofi").math;
  CHECK(hifi4 == 512u * 64);
  CHECK(hifi3 == 512u * 48);
  CHECK(hifi2 == 512u * 32);
  CHECK(lofi == 512u * 16);
}
