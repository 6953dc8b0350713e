// Pooling: max pooling compares window taps on the vector unit; average and global average pooling reduce
// their windows on the matrix unit. Each output row reads its window's input rows.
#include <algorithm>

#include "sim/ops/op_rules.h"

namespace tessera {
namespace {

int64_t first_of(const nlohmann::json& v) { return v.is_array() ? v[0].get<int64_t>() : v.get<int64_t>(); }

std::vector<Region> window_regions(const Graph& g, const Op& op, const Region& out) {
  std::vector<Region> need(op.inputs.size());
  const auto& x = g.input(op, 0).shape;
  const Tensor& y = g.output(op);
  const int64_t kh = first_of(op.attrs["kernel"]);
  const int64_t sh = op.attrs.contains("stride") ? first_of(op.attrs["stride"]) : kh;
  const int64_t ph = op.attrs.contains("padding") ? first_of(op.attrs["padding"]) : 0;
  need[0] = window_rows(out, y.shape[2], y.shape[3], x[2], x[3], kh, sh, ph, 1, out.c0, out.c1);
  return need;
}

std::vector<Region> global_regions(const Graph& g, const Op& op, const Region& out) {
  std::vector<Region> need(op.inputs.size());
  const auto& x = g.input(op, 0).shape;
  need[0] = {out.r0 * x[2] * x[3], out.r1 * x[2] * x[3], out.c0, out.c1};
  return need;
}

// Input tiles each output tile of a block reads: the kernel's taps, or for a global pool the block's
// images (its output rows) of H x W pixels each, 32 pixel rows a tile.
uint64_t window(const Graph& g, const Op& op, const BlockWork& b) {
  if (op.type == OpType::global_avgpool) {
    const auto& x = g.input(op, 0).shape;
    const int64_t rows = std::min<int64_t>(std::max<int64_t>(b.rows, 1), kTileDim);
    return uint64_t(ceil_div(rows * x[2] * x[3], kTileDim));
  }
  const auto& k = op.attrs["kernel"];
  return k.is_array() ? uint64_t(k[0].get<int64_t>() * k[1].get<int64_t>()) : uint64_t(k.get<int64_t>() * k.get<int64_t>());
}

void max_work(const Graph& g, const Op& op, const BlockWork& b, ComputeCmd& cmd) {
  block_math(cmd, MathKind::vector, b, "max");
  cmd.math.window = window(g, op, b);
}

void average_work(const Graph& g, const Op& op, const BlockWork& b, ComputeCmd& cmd) {
  block_math(cmd, MathKind::reduce, b);
  cmd.math.window = window(g, op, b);
}

}  // namespace

OpRulesTable pool_op_rules() {
  OpRules maxpool, avgpool, global;
  maxpool.input_regions = avgpool.input_regions = window_regions;
  global.input_regions = global_regions;
  global.accumulates_rows = true;
  maxpool.work = max_work;
  avgpool.work = global.work = average_work;
  return {{OpType::maxpool2d, maxpool}, {OpType::avgpool2d, avgpool}, {OpType::global_avgpool, global}};
}

}  // namespace tessera
