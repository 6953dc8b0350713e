// Op by op under tt_metal_cnn, ttnn's conv2d runs a halo program before every conv it runs as a sliding
// window (not before a 1x1 stride-1 unpadded conv, which it runs as a matmul). docs/mapping.md, "Programs
// ttnn runs between convs".
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "sim/config/config_loader.h"
#include "sim/mapper/mapper.h"
#include "sim/mapper/yolov6l_demo.h"
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

namespace {

// A YOLOv6-L-shaped piece, named as scripts/gen_yolov6.py names the model's modules: the stem (3x3, stride
// 2, SiLU), then a BepC3 block's cv1 and cv2 (1x1) and its concat of the two.
Plan yolov6l_piece(bool demo_metadata) {
  nlohmann::json tensors = {{{"name", "x"}, {"shape", {1, 3, 64, 64}}, {"kind", "input"}},
                            {{"name", "ws"}, {"shape", {32, 3, 3, 3}}, {"kind", "weight"}},
                            {{"name", "w1"}, {"shape", {32, 32, 1, 1}}, {"kind", "weight"}},
                            {{"name", "w2"}, {"shape", {32, 32, 1, 1}}, {"kind", "weight"}}};
  for (const char* t : {"s", "ss", "a", "as", "b", "bs"}) tensors.push_back({{"name", t}, {"shape", {1, 32, 32, 32}}});
  tensors.push_back({{"name", "c"}, {"shape", {1, 64, 32, 32}}});
  auto conv = [](const char* name, const char* in, const char* w, const char* out, int k, int stride) {
    return nlohmann::json{{"name", name}, {"type", "conv2d"}, {"inputs", {in, w}}, {"outputs", {out}},
                          {"attrs", {{"kernel", {k, k}}, {"stride", {stride, stride}}, {"padding", {k / 2, k / 2}}}}};
  };
  auto silu = [](const char* name, const char* in, const char* out) {
    return nlohmann::json{{"name", name}, {"type", "silu"}, {"inputs", {in}}, {"outputs", {out}}};
  };
  nlohmann::json ops = {conv("backbone.stem.conv", "x", "ws", "s", 3, 2), silu("backbone.stem.silu", "s", "ss"),
                        conv("backbone.ERBlock_2.1.cv1.conv", "ss", "w1", "a", 1, 1),
                        silu("backbone.ERBlock_2.1.cv1.silu", "a", "as"),
                        conv("backbone.ERBlock_2.1.cv2.conv", "ss", "w2", "b", 1, 1),
                        silu("backbone.ERBlock_2.1.cv2.silu", "b", "bs"),
                        {{"name", "backbone.ERBlock_2.1.concat"}, {"type", "concat"}, {"inputs", {"as", "bs"}},
                         {"outputs", {"c"}}, {"attrs", {{"axis", 1}}}}};
  nlohmann::json t = {{"format", "tessera-trace"}, {"version", 2}, {"name", "yolov6l_piece"},
                      {"tensors", tensors}, {"ops", ops}};
  if (demo_metadata) t["metadata"] = {{"generator", "scripts/gen_yolov6.py"}, {"model", "l"}};
  const ArchConfig config = load_arch_config(TESSERA_SOURCE_DIR "/configs/wormhole_n150.json", {"mapper.schedule=op_by_op"});
  return map_graph(config, parse_trace(t, "yolov6l_piece.json"));
}

std::vector<std::string> names(const Plan& plan) {
  std::vector<std::string> out;
  for (const OpPlan& op : plan.ops) out.push_back(op.name);
  return out;
}

}  // namespace

TEST_CASE("op by op under tt_metal_cnn YOLOv6-L runs the demo's programs around its convs and concats", "[mapper]") {
  // The demo (models/demos/yolov6l/tt/): a halo before the 3x3 stem, whose output is moved (the stem has
  // deallocate_activation=True); the stem built with reshape=True, so after its SiLU (inside the conv) a
  // sharded_to_interleaved and an untilize; the 1x1 convs run as matmuls (no halo), each first sharding the
  // L1 interleaved input (reshard_if_not_optimal); the BepC3 concat copies both inputs to L1 interleaved first.
  const std::vector<std::string> expected = {
      "backbone.stem.conv.halo", "backbone.stem.conv.halo.move", "backbone.stem.conv", "backbone.stem.silu",
      "backbone.stem.conv.sharded_to_interleaved", "backbone.stem.conv.untilize",
      "backbone.ERBlock_2.1.cv1.conv.interleaved_to_sharded", "backbone.ERBlock_2.1.cv1.conv",
      "backbone.ERBlock_2.1.cv1.silu", "backbone.ERBlock_2.1.cv2.conv.interleaved_to_sharded",
      "backbone.ERBlock_2.1.cv2.conv", "backbone.ERBlock_2.1.cv2.silu",
      "backbone.ERBlock_2.1.concat.to_memory_config.0", "backbone.ERBlock_2.1.concat.to_memory_config.1",
      "backbone.ERBlock_2.1.concat"};
  const Plan plan = yolov6l_piece(true);
  CHECK(names(plan) == expected);
  CHECK(plan.ops[1].type == "move");
  CHECK(plan.ops[4].type == "reshard");
  CHECK(plan.ops[5].type == "untilize");
  CHECK(plan.ops[6].type == "reshard");
  CHECK(plan.ops[12].type == "reshard");
  // The untilize writes the stem's whole 32 x 32 x 32 output once.
  CHECK(plan.ops[5].output_elements == 32 * 32 * 32);
  // The demo's stem is height sharded (Yolov6l_Conv2D's default): 32 x 32 = 1024 output pixels, 32 tile
  // rows, on 32 cores (the largest count <= 64 that pads them by less than a share).
  CHECK(plan.ops[2].conv_rule.find("height sharded on 32 cores") != std::string::npos);
  CHECK(plan.ops[2].conv_rule.find("YOLOv6-L demo") != std::string::npos);
  // The 1x1 convs' copies write their 32 x 32 x 32 input once, on the convs' 32 cores.
  CHECK(plan.ops[6].output_elements == 32 * 32 * 32);
  CHECK(plan.ops[6].cores == 32);
  // A trace that is not the demo's model gets the halo only.
  const Plan other = yolov6l_piece(false);
  REQUIRE(other.ops.size() == 8);
  CHECK(other.ops[0].name == "backbone.stem.conv.halo");
}

TEST_CASE("the YOLOv6-L demo's conv shard layouts by module", "[mapper]") {
  // Block sharded where the demo's blocks say so (ttnn_cspbep_backbone.py, ttnn_sppf.py,
  // ttnn_csprep_bifpanneck.py, ttnn_detect.py), height sharded elsewhere.
  CHECK(yolov6l_conv_layout("backbone.ERBlock_4.0.conv") == MemoryLayout::block_sharded);
  CHECK(yolov6l_conv_layout("backbone.ERBlock_5.1.m.block.1.conv2.conv") == MemoryLayout::block_sharded);
  CHECK(yolov6l_conv_layout("backbone.ERBlock_5.2.cv1.conv") == MemoryLayout::block_sharded);
  CHECK(yolov6l_conv_layout("neck.Rep_n4.cv3.conv") == MemoryLayout::block_sharded);
  CHECK(yolov6l_conv_layout("detect.reg_convs.2.conv") == MemoryLayout::block_sharded);
  CHECK(yolov6l_conv_layout("detect.stems.2.conv") == MemoryLayout::block_sharded);  // stem_2
  CHECK(yolov6l_conv_layout("detect.stems.1.conv") == MemoryLayout::height_sharded);
  CHECK(yolov6l_conv_layout("detect.cls_preds.2.conv") == MemoryLayout::height_sharded);
  CHECK(yolov6l_conv_layout("backbone.ERBlock_4.1.cv1.conv") == MemoryLayout::height_sharded);
  CHECK(yolov6l_conv_layout("neck.Rep_n3.m.conv1.conv1.conv") == MemoryLayout::height_sharded);
  CHECK(yolov6l_conv_layout("detect.reg_convs.1.conv") == MemoryLayout::height_sharded);
  // 20 convs built with reshape=True: stem, 4 downsamples, SPPF cv2, 8 BepC3 cv3, 3 reg_preds, 3 DFL
  // projections; ttnn_detect.py builds its cls_preds without.
  CHECK(yolov6l_conv_reshapes("backbone.ERBlock_5.2.cv2.conv"));
  CHECK(yolov6l_conv_reshapes("detect.reg_preds.1.conv"));
  CHECK(!yolov6l_conv_reshapes("detect.cls_preds.1.conv"));
  CHECK(!yolov6l_conv_reshapes("neck.Bifusion0.cv3.conv"));
  CHECK(yolov6l_sppf_concat("backbone.ERBlock_5.2.concat"));
  CHECK(!yolov6l_bepc3_concat("backbone.ERBlock_5.2.concat"));
  CHECK(!yolov6l_bepc3_concat("neck.Bifusion0.concat"));
}
