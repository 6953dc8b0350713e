// im2col: the reshape engine gathers each output pixel's patch (kernel taps x input channels of its group)
// into a row of A, and the matrix unit multiplies A by the weights. A 1x1 stride-1 unpadded conv needs no
// gather: its input already is A.
#include "sim/mapper/conv_algorithm.h"

namespace tessera {
namespace {

MatmulShape shape(const ConvGeometry& c, const Region& out) {
  MatmulShape s;
  s.a_rows = out.rows();
  const int64_t cg = c.c / c.groups;
  s.k_t = ceil_div(cg * c.kh * c.kw, kTileDim);
  s.macs = out.elements() * cg * c.kh * c.kw;
  s.gather = !(c.kh == 1 && c.kw == 1 && c.sh == 1 && c.sw == 1 && c.pad_top == 0 && c.pad_left == 0);
  return s;
}

}  // namespace

ConvStrategy im2col_strategy() { return {ConvAlgorithm::im2col, "im2col", "any conv", any_conv, shape}; }

}  // namespace tessera
