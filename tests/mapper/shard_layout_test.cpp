// Shards lie where tt-metal puts them: block shard (r, c) on core (x0 + c, y0 + r) row-major and
// (x0 + r, y0 + c) column-major, height shards over the shard grid's cores in order. An op whose input and
// output are block-sharded alike then finds its input's rows on its own grid row, as tt-metal's block-sharded
// conv passes activation blocks along the row.
#include <catch2/catch.hpp>

#include <set>

#include <nlohmann/json.hpp>

#include "sim/config/config_loader.h"
#include "sim/mapper/mapper.h"
#include "sim/mapper/shard_layout.h"
#include "sim/workload/trace_reader.h"

using namespace tessera;

namespace {

Tensor matrix(int64_t rows, int64_t cols) {
  Tensor t;
  t.name = "t";
  t.shape = {rows, cols};
  return t;
}

MemoryConfig sharded(MemoryLayout layout, CoreRange grid, int64_t rows, int64_t cols, ShardOrientation o) {
  MemoryConfig m;
  m.buffer = BufferType::l1;
  m.layout = layout;
  m.shard_grid = {grid};
  m.shard_shape = {rows, cols};
  m.orientation = o;
  return m;
}

int core_of(const std::vector<Shard>& shards, Region r) {
  for (const Shard& s : shards)
    if (s.region == r) return s.core;
  return -1;
}

}  // namespace

TEST_CASE("block and height shards go to the cores tt-metal gives them", "[mapper]") {
  constexpr int W = 11, H = 10;  // blackhole_p150's compute grid
  // Column-major block sharding on a 5x4 grid: the 5 row shards run along x, the 4 channel shards along y.
  const auto col = tensor_shards(matrix(480, 512),
                                 sharded(MemoryLayout::block_sharded, {0, 0, 4, 3}, 96, 128, ShardOrientation::col_major), W, H);
  REQUIRE(col.size() == 20);
  CHECK(core_of(col, {192, 288, 128, 256}) == 1 * W + 2);  // row shard 2, channel shard 1: x 2, y 1
  CHECK(core_of(col, {384, 480, 384, 512}) == 3 * W + 4);
  // Row-major: row shards along y.
  const auto row = tensor_shards(matrix(480, 512),
                                 sharded(MemoryLayout::block_sharded, {1, 2, 4, 6}, 96, 128, ShardOrientation::row_major), W, H);
  CHECK(core_of(row, {192, 288, 128, 256}) == (2 + 2) * W + (1 + 1));
  // Height shards fill a 5-wide grid row by row: shard 7 on (2, 1), not on the seventh core of the chip.
  const auto height = tensor_shards(matrix(20 * 32, 64),
                                    sharded(MemoryLayout::height_sharded, {0, 0, 4, 3}, 32, 64, ShardOrientation::row_major), W, H);
  REQUIRE(height.size() == 20);
  CHECK(height[7].core == 1 * W + 2);
  CHECK(height[7].region == Region{224, 256, 0, 64});
  // A halo's output keeps its input's shard shape (1536 rows) but holds 43,840 rows over the same 20 cores:
  // 2192 a core, not 29 shards.
  const auto halo = tensor_shards(matrix(43840, 64),
                                  sharded(MemoryLayout::height_sharded, {0, 0, 4, 3}, 1536, 64, ShardOrientation::row_major), W, H);
  REQUIRE(halo.size() == 20);
  CHECK(halo[19].region == Region{19 * 2192, 43840, 0, 64});
  CHECK(halo[19].core == 3 * W + 4);
  // A grid beyond the compute grid cannot be placed.
  CHECK(tensor_shards(matrix(480, 512),
                      sharded(MemoryLayout::block_sharded, {8, 0, 12, 3}, 96, 128, ShardOrientation::col_major), W, H)
            .empty());
}

TEST_CASE("a block-sharded conv reads its rows' other channels from its own grid row", "[mapper]") {
  const ArchConfig config = load_arch_config(TESSERA_SOURCE_DIR "/configs/blackhole_p150.json",
                                             {"mapper.schedule=op_by_op", "mapper.op_by_op_rules=trace"});
  // A 1x1 conv of 256 channels over 16 x 16 pixels, input and output block-sharded 4 x 4 (64 pixels x 64
  // channels a shard) on the grid's corner, row-major.
  const nlohmann::json memory = {{"buffer", "l1"}, {"layout", "block_sharded"}, {"shard_grid", {{0, 0, 3, 3}}},
                                 {"shard_shape", {64, 64}}, {"orientation", "row_major"}};
  const nlohmann::json t = {
      {"format", "tessera-trace"}, {"version", 2}, {"name", "block_conv"},
      {"tensors", {{{"name", "x"}, {"shape", {1, 256, 16, 16}}, {"kind", "input"}, {"memory", memory}},
                   {{"name", "w"}, {"shape", {256, 256, 1, 1}}, {"kind", "weight"}, {"format", "bf16"}},
                   {{"name", "y"}, {"shape", {1, 256, 16, 16}}, {"memory", memory}}}},
      {"ops", {{{"name", "conv"}, {"type", "conv2d"}, {"inputs", {"x", "w"}}, {"outputs", {"y"}}, {"cores", 16},
                {"attrs", {{"kernel", {1, 1}}, {"stride", {1, 1}}, {"padding", {0, 0}}}},
                {"program", {{"shard_layout", "block"}, {"grid", {4, 4}}}}}}}};
  const Plan plan = map_graph(config, parse_trace(t, "block_conv.json"));
  const int W = config.chip.compute_width;
  std::set<int> computing;
  int transfers = 0;
  for (size_t c = 0; c < plan.cores.size(); ++c) {
    if (!plan.cores[c].compute.empty()) computing.insert(int(c));
    for (const SendCmd& s : plan.cores[c].writer)
      for (int dst : s.dst_cores) {
        if (s.to_dram) continue;
        ++transfers;
        INFO("from core " << c << " to core " << dst);
        CHECK(int(c) / W == dst / W);  // the same grid row
        CHECK(int(c) / W < 4);
        CHECK(int(c) % W < 4);
      }
  }
  // Every output block on the 4 x 4 corner; each core gets the other three channel slices of its rows.
  CHECK(computing == std::set<int>{0, 1, 2, 3, W, W + 1, W + 2, W + 3, 2 * W, 2 * W + 1, 2 * W + 2, 2 * W + 3,
                                   3 * W, 3 * W + 1, 3 * W + 2, 3 * W + 3});
  CHECK(transfers == 16 * 3);
}
