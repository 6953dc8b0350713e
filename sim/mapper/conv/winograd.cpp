// Winograd F(m x m, 3 x 3), m = 2 or 4: the input is cut into (m+2)^2 tiles, transformed on the vector
// unit (B^T d B), multiplied as (m+2)^2 independent matmuls over input channels by filters transformed
// offline, and transformed back (A^T M A). Transform instruction counts share common subexpressions
// (docs/mapping.md): F(2x2,3x3) 4 ops x 4 columns + 4 x 4 rows = 32 in, 24 out; F(4x4,3x3) 12 instructions
// per 6-point 1-D transform x 12 = 144 in, 10 per 1-D output transform x (6 + 4) = 100 out.
#include "sim/mapper/conv_algorithm.h"

namespace tessera {
namespace {

bool eligible(const ConvGeometry& c) {
  return !c.transposed && c.kh == 3 && c.kw == 3 && c.sh == 1 && c.sw == 1 && c.dh == 1 && c.dw == 1 && c.groups == 1;
}

// Winograd tiles covering the output rows of a region: whole m x m tiles per image row band.
int64_t tiles_over(const ConvGeometry& c, const Region& out, int m) {
  const int64_t first = out.r0 / c.wo, last = (out.r1 - 1) / c.wo;  // output image rows (all images)
  return ceil_div(last - first + 1, m) * ceil_div(c.wo, m);
}

template <int M, int InOps, int OutOps>
MatmulShape shape(const ConvGeometry& c, const Region& out) {
  constexpr int alpha = M + 2;
  MatmulShape s;
  s.a_rows = tiles_over(c, out, M);
  s.batches = int64_t(alpha) * alpha;
  s.k_t = ceil_div(c.c, kTileDim);
  s.macs = s.a_rows * s.batches * c.c * out.cols();
  s.transform_in_ops = InOps;
  s.transform_out_ops = OutOps;
  return s;
}

constexpr const char* kNeeds = "3x3, stride 1, no groups";

}  // namespace

ConvStrategy winograd2_strategy() { return {ConvAlgorithm::winograd2, "winograd2", kNeeds, eligible, shape<2, 32, 24>}; }
ConvStrategy winograd4_strategy() { return {ConvAlgorithm::winograd4, "winograd4", kNeeds, eligible, shape<4, 144, 100>}; }

}  // namespace tessera
