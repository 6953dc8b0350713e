#include "sim/mapper/yolov6l_head.h"

namespace tessera {
namespace {

bool starts_with(const std::string& s, const std::string& head) { return s.rfind(head, 0) == 0; }
bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}
// "detect.decode.<k>.<tail>" for one of the three scales.
bool decode_op(const std::string& name, const std::string& tail) {
  return starts_with(name, "detect.decode.") && ends_with(name, "." + tail) &&
         name.size() == std::string("detect.decode.0.").size() + tail.size();
}

}  // namespace

std::vector<HeadProgram> yolov6l_head_programs_after(const Op& op, const Tensor& y) {
  const std::string& n = op.name;
  const auto& s = y.shape;
  // ttnn_detect.py, per scale: reg_preds (reshape=True, so row-major [1, H, W, 68] in L1) permuted to
  // [1, 68, H, W]; reshaped to [1, 4, 17, HW] (the trace's dfl_reshape) and tilized.
  if (starts_with(n, "detect.reg_preds.") && ends_with(n, ".conv") && s.size() == 4)
    return {{n + ".permute", OpType::transpose, {0, 3, 1, 2}, s, false, TensorLayout::row_major,
             "YOLOv6-L demo's permute (0, 3, 1, 2) of the row-major regression output"}};
  if (decode_op(n, "dfl_reshape"))
    return {{n + ".tilize", OpType::tilize, {}, s, false, TensorLayout::tile,
             "YOLOv6-L demo's to_layout(TILE) of the DFL's [1, 4, 17, HW]"}};
  // The projection (reshape=True: row-major [1, 4, HW, 1]) permuted to [1, 1, 4, HW]; the reshape to
  // [1, 4, HW] that follows keeps the rows (the trace's reg_reshape, a view).
  if (decode_op(n, "proj_conv") && s.size() == 4)
    return {{n + ".permute", OpType::transpose, {0, 3, 1, 2}, s, false, TensorLayout::row_major,
             "YOLOv6-L demo's permute (0, 3, 1, 2) of the DFL projection"}};
  // The scores: to_layout(TILE) of the conv's tiled output runs nothing; after the sigmoid and the squeeze
  // (a view), sharded_to_interleaved into L1 for the concat.
  if (decode_op(n, "cls_sigmoid"))
    return {{n + ".sharded_to_interleaved", OpType::reshard, {}, s, y.image, TensorLayout::tile,
             "YOLOv6-L demo's sharded_to_interleaved of the class scores"}};
  // The box corners sliced from the row-major [1, 8400, 4], each tilized before the anchors' sub and add.
  if (n == "detect.lt" || n == "detect.rb")
    return {{n + ".tilize", OpType::tilize, {}, s, false, TensorLayout::tile,
             "YOLOv6-L demo's to_layout(TILE) of a box corner"}};
  return {};
}

bool yolov6l_head_view(const std::string& name) {
  return decode_op(name, "cls_reshape") || name == "detect.cls_transpose";
}

void yolov6l_head_as_demo_runs(Op& op, Graph& g) {
  const std::string& n = op.name;
  Tensor& y = g.tensors[size_t(op.outputs[0])];
  if (decode_op(n, "dfl_transpose")) {
    // permute (0, 1, 3, 2) of [1, 4, 17, HW] to [1, 4, HW, 17]: the rows and channels the trace's
    // [1, 17, 4, HW] holds channels-last, which the softmax over the last dimension and the projection read.
    op.attrs["perm"] = {0, 1, 3, 2};
  } else if (decode_op(n, "dfl_reshape")) {
    y.image = false;  // [1, 4, 17, HW] row-major, not an image
    y.layout = TensorLayout::row_major;
  } else if (n == "detect.cls_concat" && y.shape.size() == 3) {
    // concat of the three [1, HW, 80] along dim 1 into L1: [1, 8400, 80].
    y.shape = {y.shape[0], y.shape[2], y.shape[1]};
    op.attrs["axis"] = 1;
  } else if (decode_op(n, "reg_reshape") || n == "detect.reg_concat" || n == "detect.reg_transpose" ||
             n == "detect.lt" || n == "detect.rb") {
    y.layout = TensorLayout::row_major;  // the demo's box distances stay row-major until the corners' tilize
  }
}

}  // namespace tessera
