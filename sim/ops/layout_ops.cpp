// Layout changes: reshape, flatten, squeeze, unsqueeze, transpose, concat, slice and upsample. They move
// data without arithmetic, on the packet manager's reshape engine (or the core when the chip has none);
// many become renamings in sim/mapper/aliasing.cpp and never run.
#include "sim/ops/layout_ops.h"

#include <algorithm>
#include <vector>

namespace tessera {
namespace {

// Rows of the input in the same proportion of the flattened order as the output rows (exact for
// row-major reshapes, an upper bound for the elements a general transpose or a row slice selects).
Region proportional_rows(const Tensor& in, const Tensor& y, const Region& out) {
  const MatrixShape a = matrix_shape(in), b = matrix_shape(y);
  const int64_t lo = b.rows ? out.r0 * a.rows / b.rows : 0;
  const int64_t hi = b.rows ? std::min(a.rows, (out.r1 * a.rows + b.rows - 1) / b.rows) : a.rows;
  return {lo, std::max(hi, lo + 1), 0, a.cols};
}

std::vector<Region> relayout_regions(const Graph& g, const Op& op, const Region& out) {
  std::vector<Region> need(op.inputs.size());
  if (is_matrix_transpose(g, op)) {
    need[0] = {out.c0, out.c1, out.r0, out.r1};
    return need;
  }
  need[0] = proportional_rows(g.input(op, 0), g.output(op), out);
  for (size_t i = 1; i < op.inputs.size(); ++i) need[i] = whole(g.input(op, i));
  return need;
}

std::vector<Region> upsample_regions(const Graph& g, const Op& op, const Region& out) {
  std::vector<Region> need(op.inputs.size());
  const auto& x = g.input(op, 0).shape;
  const Tensor& y = g.output(op);
  const int64_t ho = y.shape[2], wo = y.shape[3];
  const int64_t s = ho / x[2];
  const int64_t first = out.r0, last = out.r1 - 1;
  const int64_t n0 = first / (ho * wo), y0 = (first % (ho * wo)) / wo;
  const int64_t n1 = last / (ho * wo), y1 = (last % (ho * wo)) / wo;
  need[0] = {n0 * x[2] * x[3] + (y0 / s) * x[3], n1 * x[2] * x[3] + (y1 / s + 1) * x[3], out.c0, out.c1};
  return need;
}

std::vector<Region> concat_regions(const Graph& g, const Op& op, const Region& out) {
  std::vector<Region> need(op.inputs.size());
  const Tensor& y = g.output(op);
  auto in = [&](size_t i) -> const Tensor& { return g.input(op, i); };
  const int64_t rank = int64_t(y.shape.size());
  int64_t axis = op.attrs["axis"].get<int64_t>();
  if (axis < 0) axis += rank;
  const bool along_cols = axis_is_columns(y, axis);
  bool along_rows = !along_cols;
  if (along_rows)
    for (int64_t d = 0; d < axis; ++d) along_rows = along_rows && y.shape[d] == 1;
  if (y.image && !along_cols) along_rows = false;
  int64_t offset = 0;
  for (size_t i = 0; i < op.inputs.size(); ++i) {
    const MatrixShape m = matrix_shape(in(i));
    if (along_cols) {
      need[i] = Region{out.r0, out.r1, out.c0 - offset, out.c1 - offset}.intersect({0, m.rows, 0, m.cols});
      offset += m.cols;
    } else if (along_rows) {
      need[i] = Region{out.r0 - offset, out.r1 - offset, out.c0, out.c1}.intersect({0, m.rows, 0, m.cols});
      offset += m.rows;
    } else if (!y.image && axis < rank - 1) {
      // Rows of a batched concat: each outer index (the dimensions before the axis) holds a run of rows
      // from every input in turn.
      int64_t outer = 1;
      for (int64_t d = 0; d < axis; ++d) outer *= y.shape[d];
      const int64_t rows_out = matrix_shape(y).rows / std::max<int64_t>(outer, 1);
      const int64_t rows_in = matrix_shape(in(i)).rows / std::max<int64_t>(outer, 1);
      const int64_t o0 = out.r0 / rows_out, o1 = (out.r1 - 1) / rows_out;
      const int64_t lo = o0 * rows_in + (o0 == o1 ? std::clamp<int64_t>(out.r0 % rows_out - offset, 0, rows_in) : 0);
      const int64_t hi = o1 * rows_in + (o0 == o1 ? std::clamp<int64_t>((out.r1 - 1) % rows_out + 1 - offset, 0, rows_in) : rows_in);
      need[i] = hi > lo ? Region{lo, hi, out.c0, out.c1} : Region{};
      offset += rows_in;
    } else {
      need[i] = whole(in(i));
    }
  }
  return need;
}

std::vector<Region> slice_regions(const Graph& g, const Op& op, const Region& out) {
  std::vector<Region> need(op.inputs.size());
  const Tensor& x = g.input(op, 0);
  const int64_t rank = int64_t(x.shape.size());
  int64_t axis = op.attrs["axis"].get<int64_t>();
  if (axis < 0) axis += rank;
  int64_t start = op.attrs["start"].get<int64_t>();
  const bool cols = axis_is_columns(x, axis);
  if (start < 0) start += x.shape[axis];
  if (cols && op.attrs.value("step", 1) == 1) need[0] = {out.r0, out.r1, out.c0 + start, out.c1 + start};
  else need[0] = proportional_rows(x, g.output(op), out);
  return need;
}

template <ReshapeKind Kind>
void move_work(const Graph&, const Op&, const BlockWork& b, ComputeCmd& cmd) {
  cmd.reshape.kind = Kind;
  cmd.reshape.bytes = b.tiles * tile_bytes(b.out_format);
}

}  // namespace

bool is_matrix_transpose(const Graph& g, const Op& op) {
  const Tensor& x = g.input(op, 0);
  const Tensor& y = g.output(op);
  const MatrixShape a = matrix_shape(x), b = matrix_shape(y);
  if (a.rows != b.cols || a.cols != b.rows) return false;
  if (op.type == OpType::reshape || op.type == OpType::flatten) return x.image && x.shape[0] == 1 && !y.image;
  if (op.type == OpType::transpose) {
    if (x.image) return false;
    // Size-1 dimensions do not order the data: [0, 3, 1, 2] on [1, 1, R, C] gives [1, C, 1, R], the same
    // elements as [C, R]. Judge the permutation by the dimensions larger than 1 alone: the matrix view's
    // shapes already match, so with two of them it is a transpose exactly when it swaps them, and with
    // fewer the data keep their order (a vector read as a row or a column is its own transpose).
    std::vector<int64_t> big;  // input dimensions larger than 1, in the output's order
    for (const auto& p : op.attrs["perm"]) {
      const int64_t d = p.get<int64_t>();
      if (d < 0 || d >= int64_t(x.shape.size())) return false;
      if (x.shape[d] != 1) big.push_back(d);
    }
    if (big.size() < 2) return true;
    return big.size() == 2 && big[0] > big[1];
  }
  return false;
}

OpRulesTable layout_op_rules() {
  OpRules relayout, transpose, concat, slice, upsample;
  relayout.input_regions = transpose.input_regions = relayout_regions;
  relayout.whole_rows = transpose.whole_rows = true;
  relayout.work = move_work<ReshapeKind::flatten>;
  transpose.work = move_work<ReshapeKind::transpose>;
  concat.input_regions = concat_regions;
  concat.work = move_work<ReshapeKind::flatten>;
  slice.input_regions = slice_regions;
  slice.work = move_work<ReshapeKind::flatten>;
  upsample.input_regions = upsample_regions;
  upsample.work = move_work<ReshapeKind::flatten>;
  return {{OpType::reshape, relayout}, {OpType::flatten, relayout}, {OpType::squeeze, relayout},
          {OpType::unsqueeze, relayout}, {OpType::transpose, transpose}, {OpType::concat, concat},
          {OpType::slice, slice},     {OpType::upsample, upsample}};
}

}  // namespace tessera
