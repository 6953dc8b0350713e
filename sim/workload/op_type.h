#pragma once
// The op types a trace may use, and which engine each runs on.
#include <optional>
#include <string>

namespace tessera {

enum class OpType {
  conv2d, conv_transpose2d, matmul,
  add, sub, mul, div,
  relu, relu6, silu, sigmoid, gelu, hardsigmoid, hardswish, exp, tanh, erf,
  maxpool2d, avgpool2d, global_avgpool,
  concat, reshape, flatten, squeeze, unsqueeze, transpose, slice, upsample,
  softmax, layernorm, rmsnorm,
  moe_topk, moe_dispatch, moe_combine,
  // tt-metal's data-movement and layout ops (trace version 2).
  tilize, untilize, reshard, move, halo, typecast, pad, groupnorm, embedding, grid_sample, cumsum, data_movement,
};

enum class OpClass {
  matrix,    // conv and matmul: the matrix unit
  eltwise,   // binary element-wise on the matrix unit
  vector,    // unary functions on the vector unit
  pool,      // reductions over windows
  movement,  // layout changes: the reshape engine or data-movement cores
  norm,      // softmax and normalisations: vector unit pieces plus reductions
  moe,       // routing, dispatch and combine
};

const char* to_string(OpType t);
std::optional<OpType> parse_op_type(const std::string& s);
OpClass op_class(OpType t);

}  // namespace tessera
