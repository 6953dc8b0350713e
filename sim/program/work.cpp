#include "sim/program/work.h"

namespace tessera {

const char* to_string(ReshapeKind kind) {
  switch (kind) {
    case ReshapeKind::transpose: return "transpose";
    case ReshapeKind::flatten: return "flatten";
    case ReshapeKind::tilize: return "tilize";
    case ReshapeKind::untilize: return "untilize";
    case ReshapeKind::im2col: return "im2col";
  }
  return "?";
}

const char* to_string(MathKind kind) {
  switch (kind) {
    case MathKind::none: return "none";
    case MathKind::matmul: return "matmul";
    case MathKind::eltwise: return "eltwise";
    case MathKind::vector: return "vector";
    case MathKind::reduce: return "reduce";
    case MathKind::softmax: return "softmax";
    case MathKind::layernorm: return "layernorm";
    case MathKind::rmsnorm: return "rmsnorm";
    case MathKind::groupnorm: return "groupnorm";
    case MathKind::topk: return "topk";
    case MathKind::combine: return "combine";
  }
  return "?";
}

}  // namespace tessera
