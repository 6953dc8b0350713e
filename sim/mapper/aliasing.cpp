#include "sim/mapper/aliasing.h"

#include "sim/mapper/input_regions.h"

namespace tessera {
namespace {

void add_shifted(std::vector<HeldPiece>& out, const std::vector<HeldPiece>& in, const Region& window,
                 int64_t row_shift, int64_t col_shift) {
  for (const HeldPiece& p : in) {
    Region r = p.region.intersect(window);
    if (r.empty()) continue;
    HeldPiece q = p;
    q.region = {r.r0 + row_shift, r.r1 + row_shift, r.c0 + col_shift, r.c1 + col_shift};
    out.push_back(q);
  }
}

bool all_held(const MapContext& ctx, const Op& op) {
  for (int t : op.inputs)
    if (ctx.graph.tensors[t].kind == TensorKind::activation && ctx.held[t].empty() &&
        ctx.graph.tensors[t].elements() > 0)
      return false;
  return true;
}

}  // namespace

bool alias_outputs(MapContext& ctx, int op_index) {
  const Graph& g = ctx.graph;
  const Op& op = g.ops[op_index];
  const Tensor& y = g.output(op);
  for (int t : op.inputs)
    if (g.tensors[t].kind != TensorKind::activation) return false;
  if (!all_held(ctx, op)) return false;
  auto& out = ctx.held[op.outputs[0]];
  switch (op.type) {
    case OpType::concat: {
      const int64_t rank = int64_t(y.shape.size());
      int64_t axis = op.attrs["axis"].get<int64_t>();
      if (axis < 0) axis += rank;
      const bool along_cols = axis_is_columns(y, axis);
      bool along_rows = !y.image && !along_cols;
      for (int64_t d = 0; d < axis && along_rows; ++d) along_rows = y.shape[d] == 1;
      if (!along_cols && !along_rows) return false;
      int64_t offset = 0;
      for (int t : op.inputs) {
        const MatrixShape m = matrix_shape(g.tensors[t]);
        add_shifted(out, ctx.held[t], {0, m.rows, 0, m.cols}, along_rows ? offset : 0, along_cols ? offset : 0);
        offset += along_cols ? m.cols : m.rows;
      }
      return true;
    }
    case OpType::reshape: case OpType::flatten: case OpType::squeeze: case OpType::unsqueeze: {
      const MatrixShape a = matrix_shape(g.input(op, 0)), b = matrix_shape(y);
      const bool same_layout = a.rows == b.rows && a.cols == b.cols &&
                               g.input(op, 0).image == y.image;
      if (!same_layout) return false;
      out = ctx.held[op.inputs[0]];
      return true;
    }
    case OpType::slice: {
      const int64_t rank = int64_t(g.input(op, 0).shape.size());
      int64_t axis = op.attrs["axis"].get<int64_t>();
      if (axis < 0) axis += rank;
      const bool cols = axis_is_columns(g.input(op, 0), axis);
      if (!cols || op.attrs.value("step", 1) != 1) return false;
      int64_t start = op.attrs["start"].get<int64_t>();
      if (start < 0) start += g.input(op, 0).shape[axis];
      const MatrixShape m = matrix_shape(y);
      add_shifted(out, ctx.held[op.inputs[0]], {0, m.rows, start, start + m.cols}, 0, -start);
      return true;
    }
    case OpType::moe_dispatch: {
      // Tokens sorted by expert: expert e's rows are a run of the token matrix, read where they are.
      const MatrixShape x = matrix_shape(g.input(op, 0));
      for (size_t e = 0; e < op.outputs.size(); ++e) {
        const int64_t first = dispatch_first_row(op, e) % std::max<int64_t>(x.rows, 1);
        const int64_t n = matrix_shape(g.tensors[op.outputs[e]]).rows;
        auto& pieces = ctx.held[op.outputs[e]];
        // A run that wraps past the last token continues from the first.
        const int64_t first_part = std::min(n, x.rows - first);
        add_shifted(pieces, ctx.held[op.inputs[0]], {first, first + first_part, 0, x.cols}, -first, 0);
        if (n > first_part) add_shifted(pieces, ctx.held[op.inputs[0]], {0, n - first_part, 0, x.cols}, first_part, 0);
      }
      return true;
    }
    default:
      return false;
  }
}

}  // namespace tessera
