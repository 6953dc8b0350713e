#pragma once
// What the head of tt-metal's YOLOv6-L demo (models/demos/yolov6l/tt/ttnn_detect.py, TtDetect) runs around
// the detect ops of a scripts/gen_yolov6.py trace of the L model. The demo holds every tensor channels-last
// ([1, H, W, C], as ttnn's conv2d returns it), where the trace follows the PyTorch model's [N, C, H, W]:
// the permutes, tilizes and sharded_to_interleaved it runs differ from the trace's reshapes and transposes.
// docs/mapping.md, "Programs ttnn runs between convs".
#include <string>
#include <vector>

#include "sim/workload/graph.h"

namespace tessera {

// A program the demo runs after a trace op, on that op's output as the earlier programs left it.
struct HeadProgram {
  std::string name;
  OpType type = OpType::transpose;
  std::vector<int64_t> perm;   // a transpose's permutation, of the demo's shapes
  std::vector<int64_t> shape;  // its output, in Tessera's terms (image: [N, C, H, W] held channels-last)
  bool image = false;
  TensorLayout layout = TensorLayout::tile;
  std::string note;
};

// The head programs the demo runs after trace op `op` whose output (as the earlier programs left it) is `y`.
std::vector<HeadProgram> yolov6l_head_programs_after(const Op& op, const Tensor& y);

// Trace ops the demo runs as no program: the cls branch's reshape is its squeeze of [1, 1, HW, 80] (a view),
// and the transpose of the concatenated scores is absent (the demo's scores are [1, HW, 80] already).
bool yolov6l_head_view(const std::string& op_name);

// A trace op of the head as the demo runs it, with its output tensor: the DFL's transpose is the demo's
// permute (0, 1, 3, 2) of the tilized [1, 4, 17, HW], the DFL reshape's output is the row-major
// [1, 4, 17, HW], and the score concat joins [1, HW, 80] along rows. Other ops are left as they are.
void yolov6l_head_as_demo_runs(Op& op, Graph& g);

}  // namespace tessera
