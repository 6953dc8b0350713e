// Row-wise reductions: softmax, layernorm and RMSNorm, composed of vector-unit functions and matrix-unit
// reductions (core/compute_costs.cpp). A core needs whole rows of its output.
#include "sim/ops/op_rules.h"

namespace tessera {
namespace {

template <MathKind Kind>
void row_work(const Graph&, const Op&, const BlockWork& b, ComputeCmd& cmd) { block_math(cmd, Kind, b); }

}  // namespace

OpRulesTable norm_op_rules() {
  OpRules softmax, layernorm, rmsnorm;
  softmax.whole_rows = layernorm.whole_rows = rmsnorm.whole_rows = true;
  softmax.work = row_work<MathKind::softmax>;
  layernorm.work = row_work<MathKind::layernorm>;
  rmsnorm.work = row_work<MathKind::rmsnorm>;
  return {{OpType::softmax, softmax}, {OpType::layernorm, layernorm}, {OpType::rmsnorm, rmsnorm}};
}

}  // namespace tessera
