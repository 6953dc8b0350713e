// matmul: lowered by sim/mapper/lower_matrix.cpp; here, the rows of A and the columns (or batches) of B one
// output region reduces over.
#include <algorithm>

#include "sim/ops/op_rules.h"

namespace tessera {
namespace {

std::vector<Region> matmul_regions(const Graph& g, const Op& op, const Region& out) {
  std::vector<Region> need(op.inputs.size());
  const Tensor& a = g.input(op, 0);
  const Tensor& b = g.input(op, 1);
  const Tensor& y = g.output(op);
  const MatrixShape ma = matrix_shape(a), mb = matrix_shape(b), my = matrix_shape(y);
  const int64_t k = a.shape.back();
  need[0] = ma.rows == my.rows ? Region{out.r0, out.r1, 0, k} : whole(a);
  const bool tb = op.attrs.value("transpose_b", false);
  if (b.shape.size() == 2) {
    need[1] = tb ? Region{out.c0, out.c1, 0, mb.cols} : Region{0, mb.rows, out.c0, out.c1};
  } else {
    // Batched B: the batches this row range touches, whole.
    const int64_t m = a.shape[a.shape.size() - 2];
    const int64_t per_batch = mb.rows / std::max<int64_t>(my.rows / m, 1);
    const int64_t b0 = out.r0 / m, b1 = (out.r1 - 1) / m + 1;
    need[1] = {std::min(b0 * per_batch, mb.rows), std::min(b1 * per_batch, mb.rows), 0, mb.cols};
    if (!tb) need[1].c0 = out.c0, need[1].c1 = out.c1;
  }
  if (op.inputs.size() > 2) need[2] = bias_columns(out);
  return need;
}

}  // namespace

OpRulesTable matmul_op_rules() {
  OpRules matmul;
  matmul.input_regions = matmul_regions;
  return {{OpType::matmul, matmul}};
}

}  // namespace tessera
