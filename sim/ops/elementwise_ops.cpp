// Element-wise ops: binary add, sub, mul and div on the matrix unit (div takes a reciprocal on the vector
// unit first), and unary functions on the vector unit. Each output region reads the same region of its
// inputs (or the columns of a broadcast per-channel vector).
#include "sim/ops/op_rules.h"

namespace tessera {
namespace {

// A scalar operand (one element) is broadcast into a whole tile by the kernel's data-movement core, word
// by word, before the first tile call can read it.
void binary_work(const Graph& g, const Op& op, const BlockWork& b, ComputeCmd& cmd) {
  block_math(cmd, MathKind::eltwise, b, to_string(op.type));
  for (size_t i = 0; i < op.inputs.size(); ++i)
    if (g.input(op, i).elements() == 1) cmd.math.filled_tile_bytes += tile_bytes(b.out_format);
}
// erf has no vector-unit price of its own yet: its usual approximation (Abramowitz-Stegun 7.1.26: a
// reciprocal, a degree-5 polynomial and an exp) costs about what tanh does (an exp and a reciprocal).
void unary_work(const Graph&, const Op& op, const BlockWork& b, ComputeCmd& cmd) {
  block_math(cmd, MathKind::vector, b, op.type == OpType::erf ? "tanh" : to_string(op.type));
}

}  // namespace

OpRulesTable elementwise_op_rules() {
  OpRules binary, unary;
  binary.work = binary_work;
  unary.work = unary_work;
  OpRulesTable t;
  for (OpType op : {OpType::add, OpType::sub, OpType::mul, OpType::div}) t.push_back({op, binary});
  for (OpType op : {OpType::relu, OpType::relu6, OpType::silu, OpType::sigmoid, OpType::gelu, OpType::hardsigmoid,
                    OpType::hardswish, OpType::exp, OpType::tanh, OpType::erf})
    t.push_back({op, unary});
  return t;
}

}  // namespace tessera
