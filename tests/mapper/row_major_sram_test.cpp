// Op by op, a row-major tensor takes SRAM as tt-metal allocates it: one stick per row (the device's row of
// channels, padded to the 16-byte L1 alignment), not whole 32x32 tiles.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "sim/config/config_loader.h"
#include "sim/mapper/mapper.h"
#include "sim/mapper/row_major_sram.h"
#include "sim/workload/trace_reader.h"

using namespace tessera;

namespace {

// A 3-channel 64x64 image, stored 8 channels wide ([1, 1, 4096, 8], as ttnn pads a 3-channel conv
// input), moved from DRAM into 4 height shards of 1024 pixels; the output held as `layout`.
Graph image_to_shards(const std::string& layout) {
  nlohmann::json t = {
      {"format", "tessera-trace"}, {"version", 2}, {"name", "to_shards"},
      {"tensors",
       {{{"name", "x"}, {"shape", {1, 3, 64, 64}}, {"kind", "input"}, {"format", "bf16"}, {"layout", "row_major"},
         {"device_shape", {1, 1, 4096, 8}}, {"memory", {{"buffer", "dram"}, {"layout", "interleaved"}}}},
        {{"name", "y"}, {"shape", {1, 3, 64, 64}}, {"format", "bf16"}, {"layout", layout},
         {"device_shape", {1, 1, 4096, 8}},
         {"memory", {{"buffer", "l1"}, {"layout", "height_sharded"}, {"shard_grid", {{0, 0, 3, 0}}},
                     {"shard_shape", {1024, 8}}, {"orientation", "row_major"}}}}}},
      {"ops", {{{"name", "to_shards"}, {"type", "reshard"}, {"inputs", {"x"}}, {"outputs", {"y"}}, {"cores", 4}}}}};
  return parse_trace(t, "to_shards.json");
}

}  // namespace

TEST_CASE("a row-major stick is its device row rounded up to the L1 alignment", "[mapper]") {
  Tensor image;
  image.shape = {1, 3, 64, 64};
  image.image = true;
  image.layout = TensorLayout::row_major;
  const Region all{0, 4096, 0, 3};
  // bf16: 3 channels are 6 bytes, one 16-byte stick; stored 8 wide, 16 bytes exactly.
  CHECK(stick_bytes(image, all, DataFormat::bf16) == 16);
  image.device_shape = {1, 1, 4096, 8};
  CHECK(stick_bytes(image, all, DataFormat::bf16) == 16);
  CHECK(stick_region_bytes(image, {0, 1024, 0, 3}, DataFormat::bf16) == 1024 * 16);
  // 41 channels: 82 bytes, padded to 96.
  Tensor wide;
  wide.shape = {1, 41};
  wide.layout = TensorLayout::row_major;
  CHECK(stick_region_bytes(wide, {0, 1, 0, 41}, DataFormat::bf16) == 96);
}

TEST_CASE("a row-major L1 shard takes its sticks of SRAM, not whole tiles", "[mapper]") {
  const ArchConfig config = load_arch_config(TESSERA_SOURCE_DIR "/configs/blackhole_p150.json",
                                             {"mapper.schedule=op_by_op"});
  const Plan sticks = map_graph(config, image_to_shards("row_major"));
  const Plan tiles = map_graph(config, image_to_shards("tile"));
  REQUIRE(sticks.ops.size() == 1);
  REQUIRE(tiles.ops.size() == 1);
  // By hand, one core's output shard: 1024 pixels. Row-major, 1024 sticks of 16 bytes = 16,384 bytes;
  // tiled, 32 tile rows of one 2 KiB bf16 tile = 65,536 bytes. The input the core reads is the same.
  CHECK(tiles.ops[0].sram_peak_bytes - sticks.ops[0].sram_peak_bytes == 65536 - 16384);
  CHECK(sticks.ops[0].sram_peak_bytes >= 16384);
  CHECK(sticks.ops[0].sram_peak_bytes < 2 * 16384);
}
