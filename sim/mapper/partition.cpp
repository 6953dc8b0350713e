#include "sim/mapper/partition.h"

#include <limits>

namespace tessera {

std::vector<std::pair<int64_t, int64_t>> split_tiles(int64_t extent, int parts) {
  const int64_t tiles = ceil_div(extent, kTileDim);
  std::vector<std::pair<int64_t, int64_t>> out;
  for (int p = 0; p < parts; ++p) {
    const int64_t t0 = tiles * p / parts, t1 = tiles * (p + 1) / parts;
    const int64_t lo = std::min(t0 * kTileDim, extent), hi = std::min(t1 * kTileDim, extent);
    if (hi > lo) out.emplace_back(lo, hi);
  }
  return out;
}

Partition choose_partition(MatrixShape out, int max_cores, bool whole_rows,
                           const std::function<double(int64_t, int64_t, int, int)>& cost) {
  const int64_t row_tiles = ceil_div(out.rows, kTileDim), col_tiles = ceil_div(out.cols, kTileDim);
  Partition best;
  double best_cost = std::numeric_limits<double>::infinity();
  const int max_rows = int(std::min<int64_t>(row_tiles, max_cores));
  for (int r = 1; r <= max_rows; ++r) {
    const int max_cols = whole_rows ? 1 : int(std::min<int64_t>(col_tiles, max_cores / r));
    for (int c = 1; c <= max_cols; ++c) {
      // A little bias towards fewer cores keeps tiny ops from scattering over the whole chip.
      const double estimate = cost(ceil_div(row_tiles, r), ceil_div(col_tiles, c), r, c) * (1.0 + 1e-3 * r * c);
      if (estimate < best_cost) {
        best_cost = estimate;
        best.rows = r;
        best.cols = c;
      }
    }
  }
  for (auto [r0, r1] : split_tiles(out.rows, best.rows))
    for (auto [c0, c1] : split_tiles(out.cols, best.cols)) best.blocks.push_back({r0, r1, c0, c1});
  return best;
}

}  // namespace tessera
