// Op by op, a block-sharded conv runs as tt-metal's block-sharded conv program: each core keeps its own
// channel slice, the cores of a pixel-row group multicast their activation blocks to each other in turn,
// and the first core of each channel group reads the weight blocks and multicasts them down the group.
// The bytes moved follow by hand from that loop structure.
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/support/cli.h"

using tessera::test::run_tessera;

namespace {

// A 3x3 conv, 64 channels in and out, [1, 64, 10, 10] (already padded) to [1, 64, 8, 8]: 64 output pixels,
// two tiles of rows. Its output is block sharded on a 2x2 grid: two pixel-row groups of 32 pixels by two
// channel groups of 32 channels. The activation block is one tile row by one kernel row of a core's
// channels (32 x 3 values: 3 tiles).
const char* kTrace = R"({"format": "tessera-trace", "version": 2, "name": "block_sharded_conv",
  "tensors": [{"name": "x", "shape": [1, 64, 10, 10], "kind": "input", "format": "bf16"},
              {"name": "w", "shape": [64, 64, 3, 3], "kind": "weight", "format": "bf16"},
              {"name": "y", "shape": [1, 64, 8, 8], "format": "bf16",
               "memory": {"buffer": "l1", "layout": "block_sharded", "shard_grid": [[0, 0, 1, 1]],
                          "shard_shape": [32, 32], "orientation": "row_major"}}],
  "ops": [{"name": "conv", "type": "conv2d", "inputs": ["x", "w"], "outputs": ["y"], "cores": 4,
           "attrs": {"kernel": [3, 3], "stride": [1, 1], "padding": [0, 0]},
           "program": {"act_block_h_tiles": 1, "act_block_w_tiles": 3, "weights_block_w_tiles": 1,
                       "out_subblock_h_tiles": 1, "out_subblock_w_tiles": 1, "grid": [2, 2],
                       "shard_layout": "block"}}]})";

}  // namespace

TEST_CASE("a block-sharded conv multicasts activation blocks along its pixel rows and weights down its channels",
          "[chip][mapper]") {
  const std::string dir = tessera::test::fresh_temp_dir("block_sharded_conv");
  tessera::test::write_text(dir + "/conv.json", kTrace);
  const auto r = run_tessera("run --config configs/toy_4x4.json --trace " + dir +
                             "/conv.json --set noc.model=ideal --set mapper.schedule=op_by_op"
                             " --set mapper.op_by_op_rules=trace --json --quiet --dump-plan " + dir + "/plan.json");
  REQUIRE(r.exit_code == 0);
  const auto report = nlohmann::json::parse(r.out);
  REQUIRE(report["ops"][0]["cores"].get<int>() == 4);
  // Every MAC of the graph, once: 64 pixels x 64 output channels x 64 input channels x 9 taps.
  CHECK(report["ops"][0]["executed_macs"].get<double>() == 64.0 * 64 * 64 * 9);

  std::ifstream in(dir + "/plan.json");
  const auto plan = nlohmann::json::parse(in);
  constexpr double kTile = 2048;  // a bf16 tile
  // Grid cores are (x, y) -> y * 4 + x on toy_4x4's 4-wide compute grid: x the channel group, y the rows.
  const int grid[4] = {0, 1, 4, 5};
  for (int core : grid) {
    const auto& c = plan["cores"][core];
    // As a sender, a core multicasts its own block once per kernel row (one tile row of pixels, so one
    // activation block): 3 blocks of 3 tiles, each to both cores of its pixel-row group (itself included).
    double mcast_bytes = 0;
    int mcasts = 0;
    for (const auto& s : c["writer"]) {
      if (s["dst_cores"].size() != 2) continue;
      ++mcasts;
      mcast_bytes += s["bytes"].get<double>();
      const int row = core / 4;
      CHECK(s["dst_cores"][0].get<int>() / 4 == row);
      CHECK(s["dst_cores"][1].get<int>() / 4 == row);
    }
    CHECK(mcasts == 3);
    CHECK(mcast_bytes == 3 * 3 * kTile);
    // The first core of each channel group (y = 0) reads the weight blocks: one per K block, 3 kernel rows
    // x 2 channel groups = 6, each 3 K tiles x 1 output-channel tile, multicast to the group's 2 cores. Its
    // 18 tiles are the group's whole weight slice (64 x 9 values = 18 tiles by 32 channels).
    double weight_bytes = 0;
    int weight_reads = 0;
    for (const auto& rd : c["reader"]) {
      if (rd["stream"].get<int>() != 2) continue;
      ++weight_reads;
      weight_bytes += rd["bytes"].get<double>();
      REQUIRE(rd["dst_cores"].size() == 2);
      CHECK(rd["dst_cores"][0].get<int>() % 4 == core % 4);
      CHECK(rd["dst_cores"][1].get<int>() % 4 == core % 4);
    }
    CHECK(weight_reads == (core / 4 == 0 ? 6 : 0));
    CHECK(weight_bytes == (core / 4 == 0 ? 18 * kTile : 0));
  }
}
