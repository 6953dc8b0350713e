// Direct: one 1x1 matmul per kernel tap over the input read at shifted offsets, accumulated in place; no
// patch matrix is built, but each tap reduces over whole tiles of channels.
#include "sim/mapper/conv_algorithm.h"

namespace tessera {
namespace {

MatmulShape shape(const ConvGeometry& c, const Region& out) {
  MatmulShape s;
  s.a_rows = out.rows();
  const int64_t cg = c.c / c.groups;
  s.k_t = c.kh * c.kw * ceil_div(cg, kTileDim);
  s.macs = out.elements() * cg * c.kh * c.kw;
  return s;
}

}  // namespace

ConvStrategy direct_strategy() { return {ConvAlgorithm::direct, "direct", "any conv", any_conv, shape}; }

}  // namespace tessera
