// Sliding window: the conv as tt-metal's conv2d program runs it. Its activation reader builds each output
// pixel's patch from the halo'd input shard in L1 with one local read per kernel row (the kw taps of a row
// lie next to each other in the channels-last sticks; one read per tap when the window is dilated), the
// compute kernel tilizes the patch rows and multiplies them by the weights, whose layout pads each kernel
// row's kw x C values to whole tiles. A 1x1 stride-1 unpadded conv needs no gather (ttnn runs it as a
// matmul).
#include <algorithm>

#include "sim/mapper/conv_algorithm.h"

namespace tessera {
namespace {

MatmulShape shape(const ConvGeometry& c, const Region& out) {
  MatmulShape s;
  s.a_rows = out.rows();
  const int64_t cg = c.c / c.groups;
  const int64_t row_tiles = ceil_div(c.kw * cg, kTileDim);
  s.k_t = std::max(ceil_div(cg * c.kh * c.kw, kTileDim), c.kh * row_tiles);
  s.macs = out.elements() * cg * c.kh * c.kw;
  s.gather = !(c.kh == 1 && c.kw == 1 && c.sh == 1 && c.sw == 1 && c.pad_top == 0 && c.pad_left == 0);
  s.reads_per_row = s.gather ? uint64_t(c.dw == 1 ? c.kh : c.kh * c.kw) : 0;
  s.tilizes_patches = s.gather;
  return s;
}

}  // namespace

ConvStrategy sliding_window_strategy() {
  return {ConvAlgorithm::sliding_window, "sliding_window", "any conv", any_conv, shape};
}

}  // namespace tessera
