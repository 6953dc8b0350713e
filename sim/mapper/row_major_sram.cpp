#include "sim/mapper/row_major_sram.h"

#include <algorithm>
#include <cmath>

namespace tessera {

uint64_t stick_bytes(const Tensor& t, const Region& r, DataFormat f) {
  const MatrixShape m = matrix_shape(t);
  const bool all_columns = r.c0 == 0 && r.c1 == m.cols;
  const int64_t cols = all_columns && !t.device_shape.empty() ? std::max(t.device_shape.back(), m.cols) : r.cols();
  const uint64_t raw = uint64_t(std::ceil(double(cols) * bytes_per_element(f)));
  return (raw + kL1AlignmentBytes - 1) / kL1AlignmentBytes * kL1AlignmentBytes;
}

uint64_t stick_region_bytes(const Tensor& t, const Region& r, DataFormat f) {
  return r.empty() ? 0 : uint64_t(r.rows()) * stick_bytes(t, r, f);
}

uint32_t stick_bytes_per_tile(const Tensor& t, const Region& r, DataFormat f) {
  const uint64_t col_tiles = uint64_t(std::max<int64_t>(1, ceil_div(r.cols(), kTileDim)));
  return uint32_t((uint64_t(kTileDim) * stick_bytes(t, r, f) + col_tiles - 1) / col_tiles);
}

}  // namespace tessera
