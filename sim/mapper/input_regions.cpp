#include "sim/mapper/input_regions.h"

#include "sim/ops/op_rules.h"

namespace tessera {

std::vector<Region> needed_input_regions(const Graph& g, const Op& op, const Region& out) {
  const OpRules& rules = op_rules(op.type);
  if (rules.input_regions) return rules.input_regions(g, op, out);
  std::vector<Region> need(op.inputs.size());
  for (size_t i = 0; i < op.inputs.size(); ++i) need[i] = same_or_whole(g.input(op, i), g.output(op), out);
  return need;
}

bool needs_whole_rows(const Graph& g, const Op& op) {
  // A transpose of a single matrix maps output columns to input rows: columns split freely.
  if (is_matrix_transpose(g, op)) return false;
  return op_rules(op.type).whole_rows;
}

}  // namespace tessera
