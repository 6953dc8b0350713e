// Mixture-of-experts routing: top-k selection over each token's router logits (vector unit), dispatch of
// token rows to experts (a renaming or a gather on the reshape engine) and the weighted combine of the
// experts' outputs.
#include "sim/ops/moe_ops.h"

#include <algorithm>

#include "sim/ops/op_rules.h"

namespace tessera {
namespace {

std::vector<Region> topk_regions(const Graph& g, const Op& op, const Region& out) {
  std::vector<Region> need(op.inputs.size());
  need[0] = {out.r0, out.r1, 0, matrix_shape(g.input(op, 0)).cols};
  return need;
}

std::vector<Region> dispatch_regions(const Graph& g, const Op& op, const Region&) {
  std::vector<Region> need(op.inputs.size());
  need[0] = whole(g.input(op, 0));  // dispatch outputs alias the token rows; the mapper handles it
  return need;
}

std::vector<Region> combine_regions(const Graph& g, const Op& op, const Region& out) {
  std::vector<Region> need(op.inputs.size());
  const auto& counts = op.attrs["tokens_per_expert"];
  const int64_t experts = int64_t(counts.size());
  const int64_t tokens = matrix_shape(g.output(op)).rows;
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
  need[experts] = {out.r0, out.r1, 0, matrix_shape(g.input(op, experts)).cols};
  return need;
}

template <MathKind Kind>
void math_work(const Graph&, const Op&, const BlockWork& b, ComputeCmd& cmd) { block_math(cmd, Kind, b); }

void dispatch_work(const Graph&, const Op&, const BlockWork& b, ComputeCmd& cmd) {
  cmd.reshape.kind = ReshapeKind::flatten;
  cmd.reshape.bytes = b.tiles * tile_bytes(b.out_format);
}

}  // namespace

int64_t dispatch_first_row(const Op& op, size_t expert) {
  const auto& counts = op.attrs["tokens_per_expert"];
  int64_t first = 0;
  for (size_t e = 0; e < expert; ++e) first += counts[e].get<int64_t>();
  return first;
}

OpRulesTable moe_op_rules() {
  OpRules topk, dispatch, combine;
  topk.input_regions = topk_regions;
  topk.whole_rows = true;
  topk.work = math_work<MathKind::topk>;
  dispatch.input_regions = dispatch_regions;
  dispatch.work = dispatch_work;
  combine.input_regions = combine_regions;
  combine.work = math_work<MathKind::combine>;
  return {{OpType::moe_topk, topk}, {OpType::moe_dispatch, dispatch}, {OpType::moe_combine, combine}};
}

}  // namespace tessera
