#include "sim/ops/op_rules.h"

#include <algorithm>
#include <array>

namespace tessera {

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
  // Broadcast along rows or columns: a per-channel vector (bias, scale) has one row and the output's
  // columns; a per-row value (a scale per pixel or token) has the output's rows and one column.
  const bool rows_match = m.rows == o.rows, cols_match = m.cols == o.cols;
  if ((rows_match || m.rows == 1) && (cols_match || m.cols == 1))
    return {rows_match ? out.r0 : 0, rows_match ? out.r1 : 1, cols_match ? out.c0 : 0, cols_match ? out.c1 : 1};
  return whole(in);
}

const OpRules& op_rules(OpType type) {
  constexpr size_t kTypes = size_t(OpType::data_movement) + 1;  // the last OpType
  static const std::array<OpRules, kTypes> table = [] {
    std::array<OpRules, kTypes> t{};
    for (const OpRulesTable& family : {conv_op_rules(), matmul_op_rules(), pool_op_rules(), elementwise_op_rules(),
                                       norm_op_rules(), layout_op_rules(), moe_op_rules(), movement_op_rules()})
      for (const auto& [op_type, rules] : family) t[size_t(op_type)] = rules;
    return t;
  }();
  return table[size_t(type)];
}

}  // namespace tessera
