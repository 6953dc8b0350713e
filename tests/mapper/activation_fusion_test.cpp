// Op by op under tt_metal_cnn, an activation after a conv is fused into the conv only where tt-metal's CNN
// demos fuse it: ReLU in the packer (ResNet-50's Conv2dConfig activation="relu"), SiLU on the vector unit
// inside the conv's kernel (YOLOv6-L's activation="silu"), not ReLU6 (MobileNetV2 passes no activation to
// its convs and runs ttnn.relu6 after each). docs/mapping.md, "Activations op by op".
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "sim/config/config_loader.h"
#include "sim/mapper/mapper.h"
#include "sim/workload/trace_reader.h"

using namespace tessera;

namespace {

// x [1, 64, 32, 32] -> 1x1 conv 64 -> 64 -> y -> activation -> z.
Plan conv_then(const char* activation, const char* rules) {
  nlohmann::json tensors = {{{"name", "x"}, {"shape", {1, 64, 32, 32}}, {"kind", "input"}},
                            {{"name", "w"}, {"shape", {64, 64, 1, 1}}, {"kind", "weight"}},
                            {{"name", "y"}, {"shape", {1, 64, 32, 32}}},
                            {{"name", "z"}, {"shape", {1, 64, 32, 32}}}};
  nlohmann::json ops = {{{"name", "conv"}, {"type", "conv2d"}, {"inputs", {"x", "w"}}, {"outputs", {"y"}},
                         {"attrs", {{"kernel", {1, 1}}, {"stride", {1, 1}}, {"padding", {0, 0}}}}},
                        {{"name", "act"}, {"type", activation}, {"inputs", {"y"}}, {"outputs", {"z"}}}};
  const nlohmann::json t = {{"format", "tessera-trace"}, {"version", 2}, {"name", "conv_act"},
                            {"tensors", tensors}, {"ops", ops}};
  const ArchConfig config = load_arch_config(TESSERA_SOURCE_DIR "/configs/wormhole_n150.json",
                                             {"mapper.schedule=op_by_op", std::string("mapper.op_by_op_rules=") + rules});
  return map_graph(config, parse_trace(t, "conv_act.json"));
}

// Tiles the vector unit runs for op `op` over all cores.
uint64_t vector_tiles(const Plan& plan, int op) {
  uint64_t tiles = 0;
  for (const CoreProgram& core : plan.cores)
    for (const ComputeCmd& cmd : core.compute)
      if (cmd.op == op) tiles += cmd.vector_tiles;
  return tiles;
}

// Vector-unit lane operations inside op `op`'s matmul blocks over all cores.
uint64_t matmul_lane_ops(const Plan& plan, int op) {
  uint64_t ops = 0;
  for (const CoreProgram& core : plan.cores)
    for (const ComputeCmd& cmd : core.compute)
      if (cmd.op == op && cmd.math.kind == MathKind::matmul) ops += cmd.math.vector_lane_ops;
  return ops;
}

}  // namespace

TEST_CASE("op by op under tt_metal_cnn a ReLU6 after a conv is its own program, a ReLU is fused", "[mapper]") {
  // 1024 pixels x 64 channels: 32 x 2 = 64 output tiles.
  const Plan relu6 = conv_then("relu6", "tt_metal_cnn");
  REQUIRE(relu6.ops[1].name == "act");
  CHECK(relu6.ops[1].note != "fused into the producer's pack");
  CHECK(relu6.ops[1].output_elements == 1024 * 64);
  CHECK(vector_tiles(relu6, 1) == 64);

  const Plan relu = conv_then("relu", "tt_metal_cnn");
  CHECK(relu.ops[1].note == "fused into the producer's pack");
  CHECK(vector_tiles(relu, 1) == 0);

  // Without the rules (and in the fused schedule) both fuse, as before.
  const Plan trace = conv_then("relu6", "trace");
  CHECK(trace.ops[1].note == "fused into the producer's pack");
  CHECK(vector_tiles(trace, 1) == 0);
}

TEST_CASE("op by op under tt_metal_cnn a SiLU after a conv runs on the conv's output tiles inside its kernel",
          "[mapper]") {
  const Plan silu = conv_then("silu", "tt_metal_cnn");
  REQUIRE(silu.ops[1].name == "act");
  CHECK(silu.ops[1].note == "fused into the producing conv's kernel");
  CHECK(vector_tiles(silu, 1) == 0);  // no program of its own
  // The conv's 64 output tiles each get SiLU on the vector unit: x * sigmoid(x) is 38 instructions a tile
  // row (load and store 2, negate 1, exp 19, +1 2, reciprocal 12, the product 2), 32 rows a tile = 1216
  // cycles, at 32 lanes a cycle: 64 x 1216 x 32 lane operations.
  CHECK(vector_tiles(silu, 0) == 64);
  CHECK(matmul_lane_ops(silu, 0) == 64ull * 1216 * 32);

  // Without the rules the SiLU is its own vector program and the conv has no vector work.
  const Plan trace = conv_then("silu", "trace");
  CHECK(trace.ops[1].note != "fused into the producing conv's kernel");
  CHECK(vector_tiles(trace, 1) == 64);
  CHECK(matmul_lane_ops(trace, 0) == 0);
}
