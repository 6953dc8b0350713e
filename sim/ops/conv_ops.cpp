// conv2d and conv_transpose2d: lowered to blocked tile matmuls by sim/mapper/lower_matrix.cpp with the
// chosen conv algorithm; here, the input rows (the halo) and channels one output region reads.
#include <algorithm>

#include "sim/ops/op_rules.h"
#include "sim/workload/op_shapes.h"

namespace tessera {
namespace {

std::vector<Region> conv2d_regions(const Graph& g, const Op& op, const Region& out) {
  std::vector<Region> need(op.inputs.size());
  const ConvGeometry c = conv_geometry(g, op);
  const int64_t cg = c.c / c.groups, kg = c.k / c.groups;
  // Grouped convs read only their groups' input channels.
  const int64_t ch0 = c.groups == 1 ? 0 : (out.c0 / kg) * cg;
  const int64_t ch1 = c.groups == 1 ? c.c : ((out.c1 - 1) / kg + 1) * cg;
  need[0] = window_rows(out, c.ho, c.wo, c.h, c.w, c.kh, c.sh, c.pad_top, c.dh, ch0, ch1);
  need[1] = {out.c0, out.c1, 0, 1};  // weight rows are output channels (read as a whole per channel)
  if (op.inputs.size() > 2) need[2] = bias_columns(out);
  return need;
}

std::vector<Region> conv_transpose2d_regions(const Graph& g, const Op& op, const Region& out) {
  std::vector<Region> need(op.inputs.size());
  const ConvGeometry c = conv_geometry(g, op);
  // Output row y receives input rows (y + pad - k*d) / s for each kernel tap k.
  const int64_t first = out.r0, last = out.r1 - 1;
  const int64_t n0 = first / (c.ho * c.wo), y0 = (first % (c.ho * c.wo)) / c.wo;
  const int64_t n1 = last / (c.ho * c.wo), y1 = (last % (c.ho * c.wo)) / c.wo;
  const int64_t lo = std::clamp<int64_t>((y0 + c.pad_top - (c.kh - 1) * c.dh) / c.sh, 0, c.h - 1);
  const int64_t hi = std::clamp<int64_t>((y1 + c.pad_top) / c.sh, 0, c.h - 1);
  need[0] = {n0 * c.h * c.w + lo * c.w, n1 * c.h * c.w + (hi + 1) * c.w, 0, c.c};
  need[1] = {0, c.c, 0, 1};
  if (op.inputs.size() > 2) need[2] = bias_columns(out);
  return need;
}

}  // namespace

OpRulesTable conv_op_rules() {
  OpRules conv, transposed;
  conv.input_regions = conv2d_regions;
  transposed.input_regions = conv_transpose2d_regions;
  return {{OpType::conv2d, conv}, {OpType::conv_transpose2d, transposed}};
}

}  // namespace tessera
