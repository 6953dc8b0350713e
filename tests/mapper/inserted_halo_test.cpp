// Op by op under tt_metal_cnn, ttnn's conv2d runs a halo program before every conv it runs as a sliding
// window (not before a 1x1 stride-1 unpadded conv, which it runs as a matmul). docs/mapping.md, "Programs
// ttnn runs between convs".
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "sim/config/config_loader.h"
#include "sim/mapper/mapper.h"
#include "sim/workload/trace_reader.h"

using namespace tessera;

namespace {

// x [1, 32, 64, 64] -> 3x3 conv, padding 1 -> y -> 1x1 conv -> z -> 3x3 conv, padding 1 -> o.
Plan three_convs(const std::vector<std::string>& overrides) {
  nlohmann::json tensors = {{{"name", "x"}, {"shape", {1, 32, 64, 64}}, {"kind", "input"}},
                            {{"name", "w1"}, {"shape", {32, 32, 3, 3}}, {"kind", "weight"}},
                            {{"name", "w2"}, {"shape", {32, 32, 1, 1}}, {"kind", "weight"}},
                            {{"name", "w3"}, {"shape", {32, 32, 3, 3}}, {"kind", "weight"}},
                            {{"name", "y"}, {"shape", {1, 32, 64, 64}}},
                            {{"name", "z"}, {"shape", {1, 32, 64, 64}}},
                            {{"name", "o"}, {"shape", {1, 32, 64, 64}}}};
  auto conv = [](const char* name, const char* in, const char* w, const char* out, int k) {
    return nlohmann::json{{"name", name}, {"type", "conv2d"}, {"inputs", {in, w}}, {"outputs", {out}},
                          {"attrs", {{"kernel", {k, k}}, {"stride", {1, 1}}, {"padding", {k / 2, k / 2}}}}};
  };
  nlohmann::json ops = {conv("c1", "x", "w1", "y", 3), conv("c2", "y", "w2", "z", 1), conv("c3", "z", "w3", "o", 3)};
  const nlohmann::json t = {{"format", "tessera-trace"}, {"version", 2}, {"name", "three_convs"},
                            {"tensors", tensors}, {"ops", ops}};
  const ArchConfig config = load_arch_config(TESSERA_SOURCE_DIR "/configs/wormhole_n150.json", overrides);
  return map_graph(config, parse_trace(t, "three_convs.json"));
}

}  // namespace

TEST_CASE("op by op under tt_metal_cnn a halo program runs before each sliding-window conv", "[mapper]") {
  const Plan plan = three_convs({"mapper.schedule=op_by_op"});
  // Two 3x3 convs, one 1x1: two halos, each right before its conv; the plan's other ops are the trace's.
  REQUIRE(plan.ops.size() == 5);
  CHECK(plan.ops[0].name == "c1.halo");
  CHECK(plan.ops[0].type == "halo");
  CHECK(plan.ops[0].source_op == -1);
  CHECK(plan.ops[1].name == "c1");
  CHECK(plan.ops[1].source_op == 0);
  CHECK(plan.ops[2].name == "c2");
  CHECK(plan.ops[3].name == "c3.halo");
  CHECK(plan.ops[4].name == "c3");
  CHECK(plan.ops[4].source_op == 2);
  // The conv's MACs are the source's (it pads nothing now, over the padded input).
  CHECK(plan.ops[1].macs == int64_t(64) * 64 * 32 * 32 * 9);
  // 4096 output pixels are 128 tile rows; ttnn height-shards them over 64 cores, one 64-pixel image row
  // each (block sharding gets 8 cores, conv_sharding_test). The halo writes on each core the rows of the
  // 66 x 66 padded image that core's window reads: padded rows r..r+2, 3 x 66 pixels of 32 channels.
  CHECK(plan.ops[1].cores == 64);
  CHECK(plan.ops[0].cores == 64);
  CHECK(plan.ops[0].output_elements == int64_t(64) * 3 * 66 * 32);
}

TEST_CASE("the fused schedule and op_by_op_rules=trace insert no halo", "[mapper]") {
  CHECK(three_convs({}).ops.size() == 3);
  CHECK(three_convs({"mapper.schedule=op_by_op", "mapper.op_by_op_rules=trace"}).ops.size() == 3);
}
