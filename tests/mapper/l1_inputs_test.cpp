// A trace input the trace places in L1 shards (an op of a tt-metal profile run alone) starts on the cores:
// the op reads it where it is, and DRAM serves only the weights; the same input in DRAM is read from there.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "sim/config/config_loader.h"
#include "sim/mapper/mapper.h"
#include "sim/workload/trace_reader.h"

using namespace tessera;

namespace {

// A 3x3 conv, 64 -> 64 channels, over a [1, 64, 34, 162] input (its halo already added: no padding),
// the input held as `memory`, on 4 cores op by op.
Graph halo_conv(const nlohmann::json& memory) {
  nlohmann::json t = {
      {"format", "tessera-trace"}, {"version", 2}, {"name", "conv"},
      {"tensors", {{{"name", "x"}, {"shape", {1, 64, 34, 162}}, {"kind", "input"}, {"layout", "row_major"}, {"memory", memory}},
                   {{"name", "w"}, {"shape", {64, 64, 3, 3}}, {"kind", "weight"}, {"format", "bf16"}},
                   {{"name", "y"}, {"shape", {1, 64, 32, 160}}}}},
      {"ops", {{{"name", "conv"}, {"type", "conv2d"}, {"inputs", {"x", "w"}}, {"outputs", {"y"}}, {"cores", 4},
                {"attrs", {{"kernel", {3, 3}}, {"stride", {1, 1}}, {"padding", {0, 0}}}}}}}};
  return parse_trace(t, "conv.json");
}

uint64_t dram_read_bytes(const Plan& plan) {
  uint64_t bytes = 0;
  for (const CoreProgram& c : plan.cores)
    for (const DramReadCmd& r : c.reader) bytes += r.bytes;
  return bytes;
}

}  // namespace

TEST_CASE("an input in L1 shards is read from the cores holding it and not from DRAM", "[mapper]") {
  const ArchConfig config = load_arch_config(TESSERA_SOURCE_DIR "/configs/blackhole_p150.json",
                                             {"mapper.schedule=op_by_op"});
  const uint64_t input_bytes = 34 * 162 * 64 * 2;  // bf16
  const uint64_t weight_bytes = 64 * 64 * 9 * 2;   // bf16, 18 x 2 whole tiles
  // 34 x 162 = 5508 pixels in 4 height shards of 1377.
  const nlohmann::json l1 = {{"buffer", "l1"}, {"layout", "height_sharded"}, {"shard_grid", {{0, 0, 3, 0}}},
                             {"shard_shape", {1377, 64}}, {"orientation", "row_major"}};
  const uint64_t from_l1 = dram_read_bytes(map_graph(config, halo_conv(l1)));
  CHECK(from_l1 >= weight_bytes);
  CHECK(from_l1 < input_bytes);
  // The control: the same input interleaved in DRAM is read from there.
  const nlohmann::json dram = {{"buffer", "dram"}, {"layout", "interleaved"}};
  CHECK(dram_read_bytes(map_graph(config, halo_conv(dram))) >= input_bytes + weight_bytes);
}
