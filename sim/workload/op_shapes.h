#pragma once
// What each op type requires of its operands and attributes, the output shapes they give, and the work
// (MACs) the op does. Errors throw std::invalid_argument with a message for the trace reader to place.
#include <cstdint>
#include <vector>

#include "sim/workload/graph.h"

namespace tessera {

using Shape = std::vector<int64_t>;

struct ConvGeometry {
  bool transposed = false;
  int64_t n = 0, c = 0, h = 0, w = 0;       // input
  int64_t k = 0, ho = 0, wo = 0;            // output channels and size
  int64_t kh = 1, kw = 1, sh = 1, sw = 1, dh = 1, dw = 1;
  int64_t pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  int64_t groups = 1;
};

// A halo's window (whose reach it gathers from the neighbouring shards) and the padding it adds.
struct HaloGeometry {
  int64_t kh = 1, kw = 1, dh = 1, dw = 1;
  int64_t pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
};

// Shapes the op's outputs must have; also validates attributes (unknown keys, ranges).
std::vector<Shape> infer_output_shapes(const Graph& g, const Op& op);

ConvGeometry conv_geometry(const Graph& g, const Op& op);  // conv2d and conv_transpose2d only
HaloGeometry halo_geometry(const Op& op);                  // halo only

// Multiply-accumulates: conv2d N*K*Ho*Wo*(C/g)*kh*kw, conv_transpose2d N*C*H*W*(K/g)*kh*kw, matmul batch*M*N*K.
int64_t op_macs(const Graph& g, const Op& op);
// Elements of the op's weight operands.
int64_t op_params(const Graph& g, const Op& op);

std::string shape_text(const Shape& s);

}  // namespace tessera
