// ttnn's conv2d auto-sharding as the op-by-op rule pass applies it (sim/mapper/conv_sharding.*,
// tt_metal_conv_rules.*; docs/mapping.md, "Conv sharding op by op"). Every expected figure below is worked by
// hand from the documented rule, step by step in the comments, on Wormhole n150's 8x8 compute grid.
#include <catch2/catch.hpp>

#include <string>

#include "sim/config/config_loader.h"
#include "sim/mapper/conv_sharding.h"
#include "sim/mapper/mapper.h"
#include "sim/workload/trace_reader.h"
#include "tests/support/cli.h"

using namespace tessera;

namespace {

ConvGeometry conv(int64_t n, int64_t c, int64_t k, int64_t hw, int64_t kernel, int64_t stride, int64_t groups = 1) {
  ConvGeometry g;
  g.n = n; g.c = c; g.k = k; g.h = hw; g.w = hw;
  g.kh = g.kw = kernel;
  g.sh = g.sw = stride;
  g.pad_top = g.pad_left = g.pad_bottom = g.pad_right = kernel / 2;
  g.ho = (hw + 2 * (kernel / 2) - kernel) / stride + 1;
  g.wo = g.ho;
  g.groups = groups;
  return g;
}

}  // namespace

TEST_CASE("conv sharding: ttnn's divisor searches", "[mapper][conv_sharding]") {
  // 1568 tiles from 64 down: 64 pads to 1600 (32 rows of padding, not under one share of 25); 63 pads to
  // 1575 (7 < 25).
  CHECK(largest_divisor_with_padding(1568, 64) == 63);
  // 25 tiles over at most 8: 8 pads to 32 (7 >= 4), 7 to 28 (3 < 4).
  CHECK(largest_divisor_with_padding(25, 8) == 7);
  // 2 channel tiles (and 2) over at most 8: only 2 pads by less than a share.
  CHECK(largest_divisor_with_padding(2, 2, 8) == 2);
  CHECK(largest_divisor(16, 16, 8) == 8);
  CHECK(largest_divisor(12, 8) == 6);
}

TEST_CASE("conv sharding: an early 3x3 conv is height sharded on 63 cores", "[mapper][conv_sharding]") {
  // ResNet-50 layer1 conv2 at batch 16: 64 -> 64 channels, 56x56, 3x3 stride 1.
  // Output pixels 16 x 56 x 56 = 50176 = 1568 tiles. Height: 63 cores (above). Block: rows over at most 8
  // (1568 % 8 == 0: 8), channels 2 and 2 tiles over at most 8 (2): 16 cores. Width: 2 channel tiles, 2
  // cores. Height has more than block, and block is under 0.75 x 64 = 48: height.
  const ConvParallelConfig p = choose_conv_parallel_config(conv(16, 64, 64, 56, 3, 1), 8, 8);
  CHECK(p.layout == MemoryLayout::height_sharded);
  CHECK(p.cores() == 63);
  CHECK(p.grid_x == 8);
  CHECK(p.grid_y == 8);
  // Shards: 50176 rows rounded up to 63 x 32 = 2016 (25 x 2016 = 50400), 800 rows each: 25 tiles. The K
  // block is one kernel row: 64 channels x 3 taps = 192 = 6 tiles. Weights block: all 64 output channels,
  // 2 tiles. Subblock: the first of ttnn's list dividing 25 x 2 that is one tile high or the block's width:
  // 1 x 2 (5 x 1 divides but is neither).
  CHECK(p.block.act_block_h_tiles == 25);
  CHECK(p.block.act_block_w_tiles == 6);
  CHECK(p.block.weights_block_w_tiles == 2);
  CHECK(p.block.out_subblock_h_tiles == 1);
  CHECK(p.block.out_subblock_w_tiles == 2);
  CHECK(p.block.shard_layout == "height");
}

TEST_CASE("conv sharding: a late 3x3 conv is block sharded on an 8x7 grid", "[mapper][conv_sharding]") {
  // ResNet-50 layer4 conv2 at batch 16: 512 -> 512, 7x7. 784 pixels: 800 rounded up, 25 tiles.
  // Height: 25 cores (no divisor between 26 and 64 pads by less than one tile). Block: rows 7 (above),
  // channels 16 and 16 tiles over 8: 8; 56 cores. Width: 16 channel tiles, 16 cores. Block wins.
  const ConvParallelConfig p = choose_conv_parallel_config(conv(16, 512, 512, 7, 3, 1), 8, 8);
  CHECK(p.layout == MemoryLayout::block_sharded);
  CHECK(p.cores_nhw == 7);
  CHECK(p.cores_c == 8);
  CHECK(p.grid_x == 8);
  CHECK(p.grid_y == 7);
  // Shards: 784 rows rounded up to 7 x 32 (896), 128 rows: 4 tiles. K block: 512 / 8 = 64 channels x 9
  // taps = 576 = 18 tiles. Weights block: 512 / 8 = 64 channels, 2 tiles. Subblock 4 x 2 (the whole width).
  CHECK(p.block.act_block_h_tiles == 4);
  CHECK(p.block.act_block_w_tiles == 18);
  CHECK(p.block.weights_block_w_tiles == 2);
  CHECK(p.block.out_subblock_h_tiles == 4);
  CHECK(p.block.out_subblock_w_tiles == 2);
}

TEST_CASE("conv sharding: a wide conv on few pixels is width sharded", "[mapper][conv_sharding]") {
  // One 7x7 image, 2048 -> 512, 3x3. 49 pixels: 2 tiles. Height: 2 cores; block: rows 2, channels
  // (16 and 64 tiles over 8) 8: 16 cores; width: 64 input channel tiles over at most 64: 64 cores, at least
  // as many as the others: width.
  const ConvParallelConfig p = choose_conv_parallel_config(conv(1, 2048, 512, 7, 3, 1), 8, 8);
  CHECK(p.layout == MemoryLayout::width_sharded);
  CHECK(p.cores() == 64);
  // All 49 rows (2 tiles) per core; K block 2048 x 9 / 64 = 288 = 9 tiles; the output's 16 channel tiles
  // over 16 cores: 1 tile each; subblock 2 x 1.
  CHECK(p.block.act_block_h_tiles == 2);
  CHECK(p.block.act_block_w_tiles == 9);
  CHECK(p.block.weights_block_w_tiles == 1);
  CHECK(p.block.out_subblock_h_tiles == 2);
  CHECK(p.block.out_subblock_w_tiles == 1);
}

TEST_CASE("conv sharding: a 1x1 conv is never width sharded and keeps exact channel divisors",
          "[mapper][conv_sharding]") {
  // The same wide shape as a 1x1 conv (a matmul in ttnn): width is not a candidate; block's channel
  // divisor must divide 16 and 64 exactly (8); height 2, block 2 x 8 = 16: block.
  ConvGeometry g = conv(1, 2048, 512, 7, 1, 1);
  REQUIRE(conv_is_matmul(g));
  const ConvParallelConfig p = choose_conv_parallel_config(g, 8, 8);
  CHECK(p.layout == MemoryLayout::block_sharded);
  CHECK(p.cores() == 16);
}

TEST_CASE("conv sharding: the split follows the shards", "[mapper][conv_sharding]") {
  ProgramConfig block;
  block.shard_layout = "block";
  block.grid_x = 2;
  block.grid_y = 3;
  // 96 rows x 64 columns over 3 x 2: rows of 32, columns of 32; core (x, y) at y * 8 + x.
  const ShardedSplit s = sharded_split({96, 64}, block, 6, 8, 8);
  REQUIRE(s.blocks.size() == 6);
  CHECK(s.rows == 3);
  CHECK(s.cols == 2);
  CHECK(s.blocks[3].first == 1 * 8 + 1);
  CHECK(s.blocks[3].second.r0 == 32);
  CHECK(s.blocks[3].second.c0 == 32);
  ProgramConfig height;
  height.shard_layout = "height";
  const ShardedSplit h = sharded_split({96, 64}, height, 3, 8, 8);
  REQUIRE(h.blocks.size() == 3);
  CHECK(h.cols == 1);
  CHECK(h.blocks[2].first == 2);
  CHECK(h.blocks[2].second.c1 == 64);  // every channel on each core
  // A grid the op's cores cannot hold leaves the choice to the mapper.
  CHECK(sharded_split({96, 64}, block, 4, 8, 8).blocks.empty());
}

namespace {

// A depthwise 3x3 conv, 64 channels of one 16x16 image, followed by nothing; mapped op by op on n150.
Plan map_depthwise(const std::string& schedule) {
  const std::string dir = test::fresh_temp_dir("conv_sharding");
  test::write_text(dir + "/dw.json", R"({"format": "tessera-trace", "version": 1, "name": "dw",
    "tensors": [{"name": "x", "shape": [1, 64, 16, 16], "kind": "input"},
                {"name": "w", "shape": [64, 1, 3, 3], "kind": "weight"},
                {"name": "y", "shape": [1, 64, 16, 16]}],
    "ops": [{"name": "dw", "type": "conv2d", "inputs": ["x", "w"], "outputs": ["y"],
             "attrs": {"kernel": [3, 3], "stride": [1, 1], "padding": [1, 1], "groups": 64}}]})");
  const ArchConfig config = load_arch_config("configs/wormhole_n150.json", {"mapper.schedule=" + schedule, "mapper.conv_algorithm=direct"});
  return map_graph(config, read_trace(dir + "/dw.json"));
}

}  // namespace

TEST_CASE("conv sharding: op by op, a depthwise conv runs dense on ttnn's cores", "[mapper][conv_sharding]") {
  const Plan plan = map_depthwise("op_by_op");
  // The 3x3 conv's halo program, then the conv (inserted_ops_test).
  REQUIRE(plan.ops.size() == 2);
  CHECK(plan.ops[0].type == "halo");
  const OpPlan& op = plan.ops[1];
  // The model's MACs: 64 channels x 256 pixels x 9 taps of one channel each.
  CHECK(op.macs == 64 * 256 * 9);
  // ttnn's grouped layout: every output channel reduces over all 64 input channels.
  CHECK(op.executed_macs == int64_t(64) * 256 * 9 * 64);
  // 256 pixels = 8 tiles. Height: 8 cores; block: rows 8 (8 % 8), channels 2 and 2: 2, 16 cores, under 48
  // but height (8) is not more; width: 2. Block, on a 2 x 8 grid.
  CHECK(op.cores == 16);
  CHECK(op.grid_rows == 8);
  CHECK(op.grid_cols == 2);
  CHECK(op.conv_rule.find("grouped layout") != std::string::npos);
  CHECK(op.conv_rule.find("block sharded on 16 cores (2x8)") != std::string::npos);
}

TEST_CASE("conv sharding: the fused schedule keeps the graph's grouped conv", "[mapper][conv_sharding]") {
  const Plan plan = map_depthwise("fused");
  CHECK(plan.ops[0].executed_macs == 64 * 256 * 9);
  CHECK(plan.ops[0].conv_rule.empty());
}

TEST_CASE("conv sharding: a profiled conv keeps its cores and is split as its trace's shards", "[mapper][conv_sharding]") {
  // A version-2 conv, 64 -> 256 channels, that ran height sharded on 4 cores: the rule leaves it alone (no
  // conv_rule, 4 cores), and the mapper splits its 8 tile rows 4 ways with all 256 channels on each core.
  // The mapper's own partition would split 2 x 2: per core, 2 row tiles x 18 K tiles of activations and
  // 8 x 18 of weights (180 tiles) against 4 x 18 and 4 x 18 (144).
  const std::string dir = test::fresh_temp_dir("conv_sharding_profiled");
  test::write_text(dir + "/c.json", R"({"format": "tessera-trace", "version": 2, "name": "c",
    "tensors": [{"name": "x", "shape": [1, 64, 16, 16], "kind": "input"},
                {"name": "w", "shape": [256, 64, 3, 3], "kind": "weight"},
                {"name": "y", "shape": [1, 256, 16, 16]}],
    "ops": [{"name": "c", "type": "conv2d", "inputs": ["x", "w"], "outputs": ["y"], "cores": 4,
             "program": {"shard_layout": "height", "act_block_h_tiles": 2},
             "attrs": {"kernel": [3, 3], "stride": [1, 1], "padding": [1, 1]}}]})");
  const ArchConfig config = load_arch_config("configs/wormhole_n150.json", {"mapper.schedule=op_by_op"});
  const Plan plan = map_graph(config, read_trace(dir + "/c.json"));
  const OpPlan& op = plan.ops[0];
  CHECK(op.conv_rule.empty());
  CHECK(op.cores == 4);
  CHECK(op.grid_rows == 4);
  CHECK(op.grid_cols == 1);
}
