#pragma once
// Tensors as the cores see them: a matrix of rows x columns, cut into 32x32 tiles. Conv activations
// (NCHW in the trace, Tensor::image) live channels-last on chip, so their rows are N*H*W pixels and
// columns C channels; any other tensor's rows are all leading dimensions and its columns the last one.

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "sim/base/data_format.h"
#include "sim/workload/graph.h"

namespace tessera {

struct MatrixShape {
  int64_t rows = 1;
  int64_t cols = 1;
};

// A rectangle of a tensor's matrix: rows [r0, r1), columns [c0, c1).
struct Region {
  int64_t r0 = 0, r1 = 0, c0 = 0, c1 = 0;

  int64_t rows() const { return std::max<int64_t>(r1 - r0, 0); }
  int64_t cols() const { return std::max<int64_t>(c1 - c0, 0); }
  int64_t elements() const { return rows() * cols(); }
  bool empty() const { return rows() == 0 || cols() == 0; }
  Region intersect(const Region& o) const {
    return {std::max(r0, o.r0), std::min(r1, o.r1), std::max(c0, o.c0), std::min(c1, o.c1)};
  }
  bool operator==(const Region& o) const { return r0 == o.r0 && r1 == o.r1 && c0 == o.c0 && c1 == o.c1; }
  bool operator<(const Region& o) const {
    return r0 != o.r0 ? r0 < o.r0 : r1 != o.r1 ? r1 < o.r1 : c0 != o.c0 ? c0 < o.c0 : c1 < o.c1;
  }
};

inline MatrixShape matrix_shape(const Tensor& t) {
  const auto& s = t.shape;
  if (s.empty()) return {1, 1};
  if (t.image) return {s[0] * s[2] * s[3], s[1]};
  int64_t rows = 1;
  for (size_t i = 0; i + 1 < s.size(); ++i) rows *= s[i];
  return {rows, s.back()};
}

// Whether `axis` of a tensor is its matrix columns (channels of an image, else the last dimension).
inline bool axis_is_columns(const Tensor& t, int64_t axis) {
  const int64_t rank = int64_t(t.shape.size());
  if (axis < 0) axis += rank;
  return t.image ? axis == 1 : axis == rank - 1;
}

inline Region whole(const Tensor& t) {
  MatrixShape m = matrix_shape(t);
  return {0, m.rows, 0, m.cols};
}

inline int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// Tiles that hold a region: rows and columns each round up to whole tiles.
inline int64_t region_tiles(const Region& r) {
  return r.empty() ? 0 : ceil_div(r.rows(), kTileDim) * ceil_div(r.cols(), kTileDim);
}

// Bytes of a region's values in a format. Transfers and SRAM hold rows of values (a 3-channel image is not
// padded to 32 channels); the engines still work in whole tiles (region_tiles).
inline uint64_t region_bytes(const Region& r, DataFormat f) {
  return uint64_t(std::ceil(double(r.elements()) * bytes_per_element(f)));
}

}  // namespace tessera
