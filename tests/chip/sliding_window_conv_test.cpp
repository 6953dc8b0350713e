// Op by op, a conv runs as tt-metal's conv2d program (the sliding window): its reader gathers each output
// pixel's window from L1 one kernel row at a time, one local read each, into an activation buffer of one
// block unless the program double-buffers it; the weights pad each kernel row's taps to whole tiles. Each
// case slows one engine until it is the op's time, so the expected cycles follow by hand.
#include <catch2/catch.hpp>

#include <string>

#include <nlohmann/json.hpp>

#include "tests/support/cli.h"

using tessera::test::run_tessera;

namespace {

// One conv on one core of toy_4x4, its input already padded (a halo's output): [1, c, 32 + k - 1, ...] in,
// [1, 32, 32, 32] out, 1024 output pixels.
double conv_cycles(const std::string& name, int channels, int kernel, const std::string& program,
                   const std::string& sets) {
  const int in = 32 + kernel - 1;
  const std::string trace = R"({"format": "tessera-trace", "version": 2, "name": ")" + name + R"(",
    "tensors": [{"name": "x", "shape": [1, )" + std::to_string(channels) + ", " + std::to_string(in) + ", " +
                            std::to_string(in) + R"(], "kind": "input", "format": "bf16"},
                {"name": "w", "shape": [32, )" + std::to_string(channels) + ", " + std::to_string(kernel) + ", " +
                            std::to_string(kernel) + R"(], "kind": "weight", "format": "bf16"},
                {"name": "y", "shape": [1, 32, 32, 32], "format": "bf16"}],
    "ops": [{"name": "conv", "type": "conv2d", "inputs": ["x", "w"], "outputs": ["y"], "cores": 1,
             "attrs": {"kernel": [)" + std::to_string(kernel) + ", " + std::to_string(kernel) +
                            R"(], "stride": [1, 1], "padding": [0, 0]})" + program + "}]}";
  const std::string dir = tessera::test::fresh_temp_dir("sliding_window_" + name);
  tessera::test::write_text(dir + "/conv.json", trace);
  const auto r = run_tessera("run --config configs/toy_4x4.json --trace " + dir +
                             "/conv.json --set noc.model=ideal --set mapper.schedule=op_by_op"
                             " --set mapper.op_by_op_rules=trace " + sets + " --json --quiet");
  REQUIRE(r.exit_code == 0);
  const auto report = nlohmann::json::parse(r.out);
  REQUIRE(report["ops"][0]["cores"].get<int>() == 1);
  return report["ops"][0]["cycles"].get<double>();
}

}  // namespace

TEST_CASE("the sliding window reads each output pixel's window one kernel row at a time", "[chip][timing]") {
  // 1024 pixels x 3 kernel rows = 3072 reads at 1000 cycles each; the products (32 x 9 x 1 tiles at the
  // default 32 cycles) and the DRAM reads are a few thousand cycles beside them.
  const double reads = 1024.0 * 3 * 1000;
  const double cycles = conv_cycles("reads", 32, 3, "", "--set packet_manager.engine.riscv_local_read_cycles=1000");
  CHECK(cycles >= reads);
  CHECK(cycles <= reads * 1.03);
}

TEST_CASE("a one-block activation buffer makes the gather wait for the products", "[chip][timing]") {
  // 8 channels: one K tile per kernel row, 3 in all. Gather 3072 reads at 1000 cycles: 3.072 M; products
  // 32 tile rows x 3 K tiles x 1 column at 10,000 cycles: 0.96 M, in 4 blocks of 8 tile rows.
  const std::string slow = "--set packet_manager.engine.riscv_local_read_cycles=1000"
                           " --set core.matmul_cycles_per_tile.hifi2=10000";
  const double gather = 1024.0 * 3 * 1000, products = 32.0 * 3 * 10000;
  const double single = conv_cycles("single", 8, 3, "", slow);
  // Single-buffered, each block's gather follows the previous block's products: their sum.
  CHECK(single >= 0.98 * (gather + products));
  CHECK(single <= 1.05 * (gather + products));
  // Double-buffered, the gathers run back to back and only the last block's products follow them.
  const double overlapped = conv_cycles("double", 8, 3, R"(, "program": {"act_double_buffer": true})", slow);
  CHECK(overlapped >= gather + products / 4);
  CHECK(overlapped <= 1.05 * (gather + products / 4));
}

TEST_CASE("a height-sharded conv pads each kernel row of the reduction to its activation block", "[chip][timing]") {
  // 7x7 taps of 3 channels: 147 values, 5 tiles packed; one tile per kernel row by default (21 values, 7
  // tiles); the trace's 2-tile activation block (ttnn aligns the 3 channels to 8: 56 values a row) makes
  // 14. At 10,000 cycles a product: 32 tile rows x K tiles x 1 column.
  const std::string slow = "--set packet_manager.engine.riscv_local_read_cycles=0"
                           " --set core.matmul_cycles_per_tile.hifi2=10000";
  const double rows = conv_cycles("rows", 3, 7, "", slow);
  CHECK(rows >= 32.0 * 7 * 10000);
  CHECK(rows <= 1.05 * 32.0 * 7 * 10000);
  const double blocks = conv_cycles(
      "blocks", 3, 7, R"(, "program": {"act_block_w_tiles": 2, "shard_layout": "height"})", slow);
  CHECK(blocks >= 32.0 * 14 * 10000);
  CHECK(blocks <= 1.05 * 32.0 * 14 * 10000);
}

TEST_CASE("the conv kernel tilizes each activation block whole before it multiplies it", "[chip][timing]") {
  // 32 channels, 3x3: three K tiles a kernel row, nine in all; 32 tile rows of patches, 288 tiles of 2048
  // bytes tilized (packed) at 1 byte a cycle: 589,824 cycles; products 32 x 9 x 1 at 10,000 cycles: 2.88 M;
  // the output's 32 tiles pack in 65,536 cycles, each block's behind its products. tt-metal's kernel runs
  // tilize_in for a block, then waits for the whole tilized block before its matmul, on the same threads:
  // the tilize packs and the products add up (overlapped they would take about the products alone).
  const std::string slow = "--set packet_manager.engine.riscv_local_read_cycles=0"
                           " --set core.matmul_cycles_per_tile.hifi2=10000 --set core.pack_bytes_per_cycle=1";
  const double tilize = 288.0 * 2048, products = 32.0 * 9 * 10000;
  const double cycles = conv_cycles("tilize", 32, 3, "", slow);
  CHECK(cycles >= tilize + products);
  CHECK(cycles <= 1.05 * (tilize + products));
}

TEST_CASE("the conv kernel sends its partial sums through SRAM between K blocks", "[chip][timing]") {
  // 32 channels, 3x3, a program of 1-tile-row by 3-K-tile activation blocks: 32 blocks, each three K
  // blocks of one kernel row into one output tile. tt-metal's kernel spills whenever there is more than one
  // K block (`spill = in0_num_blocks_w > 1`): after each K block but the last it packs the partial tile,
  // before each but the first it reloads it. Packed, at 1 byte a cycle: 288 patch tiles tilized, 32 x 2
  // partial tiles and 32 output tiles, 384 x 2048 bytes; every other stage is a few percent of that.
  const std::string slow = "--set packet_manager.engine.riscv_local_read_cycles=0 --set core.pack_bytes_per_cycle=1";
  const std::string program =
      R"(, "program": {"act_block_h_tiles": 1, "act_block_w_tiles": 3, "shard_layout": "height"})";
  const double packed = (288.0 + 64 + 32) * 2048;
  const double cycles = conv_cycles("partials", 32, 3, program, slow);
  CHECK(cycles >= packed);
  CHECK(cycles <= 1.05 * packed);
}
