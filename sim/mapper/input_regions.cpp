#include "sim/mapper/input_regions.h"

#include "sim/workload/op_shapes.h"

namespace tessera {
namespace {

// Input pixel rows an output row range of a sliding-window op reads. Output rows are (n, y, x) pixels; the
// window of output row y covers input rows y*s - pad ... y*s - pad + (k-1)*d, clipped to the image.
Region window_rows(const Region& out, int64_t ho, int64_t wo, int64_t h, int64_t w, int64_t k, int64_t s,
                   int64_t pad, int64_t d, int64_t c0, int64_t c1) {
  const int64_t first = out.r0, last = out.r1 - 1;
  const int64_t n0 = first / (ho * wo), y0 = (first % (ho * wo)) / wo;
  const int64_t n1 = last / (ho * wo), y1 = (last % (ho * wo)) / wo;
  const int64_t lo = std::clamp<int64_t>(y0 * s - pad, 0, h - 1);
  const int64_t hi = std::clamp<int64_t>(y1 * s - pad + (k - 1) * d, 0, h - 1);
  return {n0 * h * w + lo * w, n1 * h * w + (hi + 1) * w, c0, c1};
}

Region same_or_whole(const Tensor& in, const Tensor& out_tensor, const Region& out) {
  if (in.shape == out_tensor.shape) return out;
  MatrixShape m = matrix_shape(in), o = matrix_shape(out_tensor);
  // A per-channel vector (bias, scale) broadcast over rows: the same columns.
  if (m.rows == 1 && m.cols == o.cols) return {0, 1, out.c0, out.c1};
  return whole(in);
}

}  // namespace

bool is_matrix_transpose(const Graph& g, const Op& op) {
  const Tensor& x = g.input(op, 0);
  const Tensor& y = g.output(op);
  const MatrixShape a = matrix_shape(x), b = matrix_shape(y);
  if (a.rows != b.cols || a.cols != b.rows) return false;
  if (op.type == OpType::reshape || op.type == OpType::flatten)
    return x.image && x.shape[0] == 1 && !y.image;
  if (op.type == OpType::transpose) {
    const auto& perm = op.attrs["perm"];
    const size_t n = perm.size();
    if (n < 2 || perm[n - 1].get<int64_t>() != int64_t(n - 2) || perm[n - 2].get<int64_t>() != int64_t(n - 1)) return false;
    for (size_t d = 0; d + 2 < n; ++d)
      if (perm[d].get<int64_t>() != int64_t(d) || x.shape[d] != 1) return false;
    return !x.image;
  }
  return false;
}

bool needs_whole_rows(const Graph& g, const Op& op) {
  if (is_matrix_transpose(g, op)) return false;
  switch (op.type) {
    case OpType::softmax: case OpType::layernorm: case OpType::rmsnorm: case OpType::moe_topk:
    case OpType::reshape: case OpType::flatten: case OpType::squeeze: case OpType::unsqueeze:
    case OpType::transpose:
      return true;
    default:
      return false;
  }
}

int64_t dispatch_first_row(const Op& op, size_t expert) {
  const auto& counts = op.attrs["tokens_per_expert"];
  int64_t first = 0;
  for (size_t e = 0; e < expert; ++e) first += counts[e].get<int64_t>();
  return first;
}

std::vector<Region> needed_input_regions(const Graph& g, const Op& op, const Region& out) {
  const Tensor& y = g.output(op);
  std::vector<Region> need(op.inputs.size());
  auto in = [&](size_t i) -> const Tensor& { return g.input(op, i); };
  switch (op.type) {
    case OpType::conv2d: {
      ConvGeometry c = conv_geometry(g, op);
      const int64_t cg = c.c / c.groups, kg = c.k / c.groups;
      // Grouped convs read only their groups' input channels.
      const int64_t ch0 = c.groups == 1 ? 0 : (out.c0 / kg) * cg;
      const int64_t ch1 = c.groups == 1 ? c.c : ((out.c1 - 1) / kg + 1) * cg;
      Region rows = window_rows(out, c.ho, c.wo, c.h, c.w, c.kh, c.sh, c.pad_top, c.dh, ch0, ch1);
      need[0] = rows;
      need[1] = {out.c0, out.c1, 0, 1};  // weight rows are output channels (read as a whole per channel)
      if (op.inputs.size() > 2) need[2] = {0, 1, out.c0, out.c1};
      return need;
    }
    case OpType::conv_transpose2d: {
      ConvGeometry c = conv_geometry(g, op);
      // Output row y receives input rows (y + pad - k*d) / s for each kernel tap k.
      const int64_t first = out.r0, last = out.r1 - 1;
      const int64_t n0 = first / (c.ho * c.wo), y0 = (first % (c.ho * c.wo)) / c.wo;
      const int64_t n1 = last / (c.ho * c.wo), y1 = (last % (c.ho * c.wo)) / c.wo;
      const int64_t lo = std::clamp<int64_t>((y0 + c.pad_top - (c.kh - 1) * c.dh) / c.sh, 0, c.h - 1);
      const int64_t hi = std::clamp<int64_t>((y1 + c.pad_top) / c.sh, 0, c.h - 1);
      need[0] = {n0 * c.h * c.w + lo * c.w, n1 * c.h * c.w + (hi + 1) * c.w, 0, c.c};
      need[1] = {0, c.c, 0, 1};
      if (op.inputs.size() > 2) need[2] = {0, 1, out.c0, out.c1};
      return need;
    }
    case OpType::matmul: {
      const Tensor& a = in(0);
      const Tensor& b = in(1);
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
      if (op.inputs.size() > 2) need[2] = {0, 1, out.c0, out.c1};
      return need;
    }
    case OpType::maxpool2d: case OpType::avgpool2d: {
      const auto& x = in(0).shape;
      const int64_t ho = y.shape[2], wo = y.shape[3];
      auto k = op.attrs["kernel"];
      const int64_t kh = k.is_array() ? k[0].get<int64_t>() : k.get<int64_t>();
      int64_t sh = kh, ph = 0;
      if (op.attrs.contains("stride")) sh = op.attrs["stride"].is_array() ? op.attrs["stride"][0].get<int64_t>() : op.attrs["stride"].get<int64_t>();
      if (op.attrs.contains("padding")) ph = op.attrs["padding"].is_array() ? op.attrs["padding"][0].get<int64_t>() : op.attrs["padding"].get<int64_t>();
      need[0] = window_rows(out, ho, wo, x[2], x[3], kh, sh, ph, 1, out.c0, out.c1);
      return need;
    }
    case OpType::global_avgpool: {
      const auto& x = in(0).shape;
      need[0] = {out.r0 * x[2] * x[3], out.r1 * x[2] * x[3], out.c0, out.c1};
      return need;
    }
    case OpType::upsample: {
      const auto& x = in(0).shape;
      const int64_t ho = y.shape[2], wo = y.shape[3];
      const int64_t s = ho / x[2];
      need[0] = window_rows(out, ho, wo, x[2], x[3], 1, 1, 0, 1, out.c0, out.c1);
      // window_rows with stride 1 maps y to y; scale back to input rows.
      const int64_t first = out.r0, last = out.r1 - 1;
      const int64_t n0 = first / (ho * wo), y0 = (first % (ho * wo)) / wo;
      const int64_t n1 = last / (ho * wo), y1 = (last % (ho * wo)) / wo;
      need[0] = {n0 * x[2] * x[3] + (y0 / s) * x[3], n1 * x[2] * x[3] + (y1 / s + 1) * x[3], out.c0, out.c1};
      return need;
    }
    case OpType::concat: {
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
          // Rows of a batched concat: each outer index (the dimensions before the axis) holds a run of
          // rows from every input in turn.
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
    case OpType::slice: {
      const int64_t rank = int64_t(in(0).shape.size());
      int64_t axis = op.attrs["axis"].get<int64_t>();
      if (axis < 0) axis += rank;
      int64_t start = op.attrs["start"].get<int64_t>();
      const bool cols = axis_is_columns(in(0), axis);
      if (start < 0) start += in(0).shape[axis];
      if (cols && op.attrs.value("step", 1) == 1) {
        need[0] = {out.r0, out.r1, out.c0 + start, out.c1 + start};
      } else {
        // A slice across rows: the rows in the same proportion of the input (an upper bound on what the
        // selected elements span).
        const MatrixShape a = matrix_shape(in(0)), b = matrix_shape(y);
        const int64_t lo = b.rows ? out.r0 * a.rows / b.rows : 0;
        const int64_t hi = b.rows ? std::min(a.rows, (out.r1 * a.rows + b.rows - 1) / b.rows) : a.rows;
        need[0] = {lo, std::max(hi, lo + 1), 0, a.cols};
      }
      return need;
    }
    case OpType::moe_dispatch:
      need[0] = whole(in(0));  // dispatch outputs alias the token rows; the mapper handles it
      return need;
    case OpType::moe_combine: {
      const auto& counts = op.attrs["tokens_per_expert"];
      const int64_t experts = int64_t(counts.size());
      const int64_t tokens = matrix_shape(y).rows;
      int64_t slots = 0;
      for (const auto& n : counts) slots += n.get<int64_t>();
      // Each output token gathers its experts' rows: spread slots over tokens in order.
      int64_t first = 0;
      for (int64_t e = 0; e < experts; ++e) {
        const int64_t n = counts[e].get<int64_t>();
        const int64_t lo = tokens ? out.r0 * slots / tokens : 0, hi = tokens ? out.r1 * slots / tokens : 0;
        need[e] = Region{std::max<int64_t>(lo - first, 0), std::min<int64_t>(hi - first, n), out.c0, out.c1};
        if (need[e].rows() <= 0) need[e] = Region{};
        first += n;
      }
      need[experts] = {out.r0, out.r1, 0, matrix_shape(in(experts)).cols};
      return need;
    }
    case OpType::moe_topk:
      need[0] = {out.r0, out.r1, 0, matrix_shape(in(0)).cols};
      return need;
    case OpType::reshape: case OpType::flatten: case OpType::squeeze: case OpType::unsqueeze:
    case OpType::transpose:
      if (is_matrix_transpose(g, op)) {
        need[0] = {out.c0, out.c1, out.r0, out.r1};
        return need;
      }
      {
        // Other layout changes move every element once; which rows feed which is taken by position in
        // the flattened order (exact for row-major reshapes, an approximation for general transposes).
        const MatrixShape a = matrix_shape(in(0)), b = matrix_shape(y);
        const int64_t lo = b.rows ? out.r0 * a.rows / b.rows : 0;
        const int64_t hi = b.rows ? std::min(a.rows, (out.r1 * a.rows + b.rows - 1) / b.rows) : a.rows;
        need[0] = {lo, std::max(hi, lo + 1), 0, a.cols};
        for (size_t i = 1; i < op.inputs.size(); ++i) need[i] = whole(in(i));
      }
      return need;
    default:
      for (size_t i = 0; i < op.inputs.size(); ++i) need[i] = same_or_whole(in(i), y, out);
      return need;
  }
}

}  // namespace tessera
