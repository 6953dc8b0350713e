// Op by op, tt-metal's minimal matmul: weight blocks pass down a column of cores, and the injector that
// reads and forwards them does both on one RISC-V. Checked against bounds derived from the engines'
// figures, so that a model which let the next read start before the forward left would fail.
#include <catch2/catch.hpp>

#include <string>

#include <nlohmann/json.hpp>

#include "tests/support/cli.h"

using tessera::test::run_tessera;

namespace {

// C [32, 64] = A [32, 256] x B [256, 64], bf16: 1 x 8 tiles of A, 8 x 2 of B. K blocks of 2 tiles (4 of
// them), each weight block 2 x 2 tiles = 8 KiB, on a grid of one column of `rows` cores.
std::string trace_file(int rows) {
  const std::string trace = R"({"format": "tessera-trace", "version": 2, "name": "chained",
    "tensors": [{"name": "a", "shape": [32, 256], "kind": "input", "format": "bf16"},
                {"name": "b", "shape": [256, 64], "kind": "weight", "format": "bf16"},
                {"name": "c", "shape": [32, 64], "format": "bf16"}],
    "ops": [{"name": "mm", "type": "matmul", "inputs": ["a", "b"], "outputs": ["c"], "fidelity": "hifi4",
             "program": {"kind": "minimal", "in0_block_w": 2, "m_block": 1, "n_block": 2, "grid": [1, )" +
                            std::to_string(rows) + R"(]}}]})";
  const std::string dir = tessera::test::fresh_temp_dir("chained_matmul");
  tessera::test::write_text(dir + "/chained.json", trace);
  return dir + "/chained.json";
}

// Device cycles of the matmul on a column of two cores, the writer reading SRAM at `writer_rate` B/cycle.
double device_cycles(int writer_rate) {
  const auto r = run_tessera("run --config configs/toy_4x4.json --trace " + trace_file(2) +
                             " --set noc.model=ideal --set mapper.schedule=op_by_op"
                             " --set packet_manager.engine.riscv_issue_cycles=1000"
                             " --set packet_manager.dma_read_bytes_per_cycle=" + std::to_string(writer_rate) +
                             " --json --quiet");
  REQUIRE(r.exit_code == 0);
  const auto report = nlohmann::json::parse(r.out);
  REQUIRE(report["ops"][0]["cores"].get<int>() == 2);
  return report["device_cycles"].get<double>();
}

}  // namespace

TEST_CASE("op by op, a minimal matmul's injector reads its next weight block only after forwarding the last",
          "[chip][timing][op_by_op]") {
  // Forwarding an 8 KiB weight block takes 8192 / 32 = 256 cycles at the writer's 32 B/cycle, 1024 at
  // 8 B/cycle. The injector forwards each of the first 3 blocks before it issues the next block's reads,
  // so those forwards are on the critical path whole: 3 x (1024 - 256) = 2304 cycles more. The last one
  // runs beside the injector's own last block of compute, so it adds between nothing and 768. Were the
  // forwards overlapped with the next reads (1000 cycles a page, 4000 a block), only the last could show.
  const double fast = device_cycles(32), slow = device_cycles(8);
  CHECK(slow - fast >= 3 * (1024 - 256));
  CHECK(slow - fast <= 4 * (1024 - 256));
}
