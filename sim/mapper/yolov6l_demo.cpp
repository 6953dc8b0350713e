#include "sim/mapper/yolov6l_demo.h"

namespace tessera {
namespace {

bool starts_with(const std::string& s, const std::string& head) { return s.rfind(head, 0) == 0; }
bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

constexpr const char* kBepC3[] = {"backbone.ERBlock_2.1", "backbone.ERBlock_3.1", "backbone.ERBlock_4.1",
                                  "backbone.ERBlock_5.1", "neck.Rep_p4", "neck.Rep_p3", "neck.Rep_n3", "neck.Rep_n4"};

}  // namespace

bool is_yolov6l_demo_graph(const Graph& g) {
  return g.metadata.value("generator", std::string()) == "scripts/gen_yolov6.py" &&
         g.metadata.value("model", std::string()) == "l";
}

bool yolov6l_conv_reshapes(const std::string& name) {
  // ttnn_cspbep_backbone.py: the stem and ERBlock_k.0; ttnn_sppf.py: the SPPF's cv2; ttnn_bepc3.py: cv3;
  // ttnn_detect.py: reg_preds and the DFL projection (its cls_preds are not: their tiled, sharded output
  // goes to the sigmoid, then sharded_to_interleaved, sim/mapper/yolov6l_head.cpp).
  if (name == "backbone.stem.conv" || name == "backbone.ERBlock_5.2.cv2.conv") return true;
  for (int k = 2; k <= 5; ++k)
    if (name == "backbone.ERBlock_" + std::to_string(k) + ".0.conv") return true;
  for (const char* block : kBepC3)
    if (name == std::string(block) + ".cv3.conv") return true;
  return (starts_with(name, "detect.reg_preds.") && ends_with(name, ".conv")) ||
         (starts_with(name, "detect.decode.") && ends_with(name, ".proj_conv"));
}

std::string yolov6l_clone_reader(const std::string& conv_name) {
  // ttnn_cspbep_backbone.py clones ERBlock_4.1's output (erblock4) for the neck, whose Bifusion0 cv1 reads
  // it, while ERBlock_5.0 reads the original.
  if (conv_name == "backbone.ERBlock_4.1.cv3.conv") return "neck.Bifusion0.cv1.conv";
  return conv_name == "neck.Rep_n3.cv3.conv" ? "detect.stems.1.conv" : "";
}

bool yolov6l_bottlerep_add(const std::string& name) {
  // TtRepBlock's conv1 and block[i], each a TtBottleRep ending in x_conv2 + alpha * x.
  return name.find(".m.") != std::string::npos && ends_with(name, ".add") &&
         (ends_with(name, ".m.conv1.add") || name.find(".m.block.") != std::string::npos);
}

bool yolov6l_conv_deallocates_activation(const std::string& name) {
  // ttnn_cspbep_backbone.py: the stem; ttnn_bottlerep.py: cv2 (a RepBlock's BottleRep, named conv1 or block.i
  // in the trace, its convs conv1 and conv2); ttnn_bifusion.py: cv3 and the downsample; ttnn_sppf.py: cv1;
  // ttnn_detect.py: the reg_convs and reg_preds.
  if (name == "backbone.stem.conv" || name == "backbone.ERBlock_5.2.cv1.conv") return true;
  if (starts_with(name, "detect.reg_convs.") || starts_with(name, "detect.reg_preds.")) return true;
  if (starts_with(name, "neck.Bifusion") && (ends_with(name, ".cv3.conv") || ends_with(name, ".downsample.conv")))
    return true;
  return name.find(".m.") != std::string::npos && ends_with(name, ".conv2.conv");
}

bool yolov6l_bifusion_concat(const std::string& name) {
  return name == "neck.Bifusion0.concat" || name == "neck.Bifusion1.concat";
}

bool yolov6l_bepc3_concat(const std::string& name) {
  for (const char* block : kBepC3)
    if (name == std::string(block) + ".concat") return true;
  return false;
}

bool yolov6l_sppf_concat(const std::string& name) { return name == "backbone.ERBlock_5.2.concat"; }

MemoryLayout yolov6l_conv_layout(const std::string& name) {
  // ttnn_cspbep_backbone.py (ERBlock_4.0, ERBlock_5.0; ERBlock_5.1 with shard_layout_cv2 and
  // shard_layout_rep_block_first_two block sharded: its cv1, cv2, cv3 and, with n=6, every BottleRep of its
  // RepBlock), ttnn_sppf.py (cv1, cv2), ttnn_csprep_bifpanneck.py (Rep_n4 with shard_layout block sharded:
  // all its convs), ttnn_detect.py (stem_2, cls_convs[2], reg_convs[2]).
  for (const char* block : {"backbone.ERBlock_4.0.", "backbone.ERBlock_5.0.", "backbone.ERBlock_5.1.",
                            "backbone.ERBlock_5.2.", "neck.Rep_n4.", "detect.stems.2.", "detect.cls_convs.2.",
                            "detect.reg_convs.2."})
    if (starts_with(name, block)) return MemoryLayout::block_sharded;
  return MemoryLayout::height_sharded;
}

}  // namespace tessera
