#include "sim/workload/op_type.h"

#include <array>
#include <utility>

namespace tessera {
namespace {

constexpr std::pair<OpType, const char*> kNames[] = {
    {OpType::conv2d, "conv2d"}, {OpType::conv_transpose2d, "conv_transpose2d"}, {OpType::matmul, "matmul"},
    {OpType::add, "add"}, {OpType::sub, "sub"}, {OpType::mul, "mul"}, {OpType::div, "div"},
    {OpType::relu, "relu"}, {OpType::relu6, "relu6"}, {OpType::silu, "silu"}, {OpType::sigmoid, "sigmoid"},
    {OpType::gelu, "gelu"}, {OpType::hardsigmoid, "hardsigmoid"}, {OpType::hardswish, "hardswish"},
    {OpType::exp, "exp"}, {OpType::tanh, "tanh"}, {OpType::erf, "erf"},
    {OpType::maxpool2d, "maxpool2d"}, {OpType::avgpool2d, "avgpool2d"}, {OpType::global_avgpool, "global_avgpool"},
    {OpType::concat, "concat"}, {OpType::reshape, "reshape"}, {OpType::flatten, "flatten"},
    {OpType::squeeze, "squeeze"}, {OpType::unsqueeze, "unsqueeze"}, {OpType::transpose, "transpose"},
    {OpType::slice, "slice"}, {OpType::upsample, "upsample"},
    {OpType::softmax, "softmax"}, {OpType::layernorm, "layernorm"}, {OpType::rmsnorm, "rmsnorm"},
    {OpType::moe_topk, "moe_topk"}, {OpType::moe_dispatch, "moe_dispatch"}, {OpType::moe_combine, "moe_combine"},
    {OpType::tilize, "tilize"}, {OpType::untilize, "untilize"}, {OpType::reshard, "reshard"}, {OpType::move, "move"},
    {OpType::halo, "halo"}, {OpType::typecast, "typecast"}, {OpType::pad, "pad"}, {OpType::groupnorm, "groupnorm"},
    {OpType::embedding, "embedding"}, {OpType::grid_sample, "grid_sample"}, {OpType::cumsum, "cumsum"},
    {OpType::data_movement, "data_movement"},
};

}  // namespace

const char* to_string(OpType t) {
  for (const auto& [type, name] : kNames)
    if (type == t) return name;
  return "?";
}

std::optional<OpType> parse_op_type(const std::string& s) {
  for (const auto& [type, name] : kNames)
    if (s == name) return type;
  return std::nullopt;
}

OpClass op_class(OpType t) {
  switch (t) {
    case OpType::conv2d: case OpType::conv_transpose2d: case OpType::matmul: return OpClass::matrix;
    case OpType::add: case OpType::sub: case OpType::mul: case OpType::div: return OpClass::eltwise;
    case OpType::maxpool2d: case OpType::avgpool2d: case OpType::global_avgpool: return OpClass::pool;
    case OpType::concat: case OpType::reshape: case OpType::flatten: case OpType::squeeze:
    case OpType::unsqueeze: case OpType::transpose: case OpType::slice: case OpType::upsample:
    case OpType::tilize: case OpType::untilize: case OpType::reshard: case OpType::move: case OpType::halo:
    case OpType::typecast: case OpType::pad: case OpType::embedding: case OpType::data_movement:
      return OpClass::movement;
    case OpType::softmax: case OpType::layernorm: case OpType::rmsnorm: case OpType::groupnorm: return OpClass::norm;
    case OpType::moe_topk: case OpType::moe_dispatch: case OpType::moe_combine: return OpClass::moe;
    default: return OpClass::vector;
  }
}

}  // namespace tessera
