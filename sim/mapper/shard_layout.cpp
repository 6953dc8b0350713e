#include "sim/mapper/shard_layout.h"

#include <algorithm>

namespace tessera {
namespace {

struct Cell {
  int x = 0, y = 0;
};

// The cores of a shard grid in the order height and width shards fill them.
std::vector<Cell> grid_cores(const std::vector<CoreRange>& ranges, ShardOrientation o) {
  std::vector<Cell> cells;
  for (const CoreRange& r : ranges) {
    if (o == ShardOrientation::row_major) {
      for (int y = r.y0; y <= r.y1; ++y)
        for (int x = r.x0; x <= r.x1; ++x) cells.push_back({x, y});
    } else {
      for (int x = r.x0; x <= r.x1; ++x)
        for (int y = r.y0; y <= r.y1; ++y) cells.push_back({x, y});
    }
  }
  return cells;
}

}  // namespace

std::vector<Shard> tensor_shards(const Tensor& t, const MemoryConfig& m, int compute_width, int compute_height) {
  if (!m.sharded() || m.shard_shape.size() != 2) return {};
  // Shard shapes are in the device's 2-D view [rows, C]; a halo'd tensor has more device rows than pixels,
  // so its rows scale to the matrix's.
  const MatrixShape ms = matrix_shape(t);
  int64_t device_rows = t.device_shape.empty() ? ms.rows : 1;
  for (size_t i = 0; i + 1 < t.device_shape.size(); ++i) device_rows *= t.device_shape[i];
  const int64_t device_cols = t.device_shape.empty() ? ms.cols : t.device_shape.back();
  int64_t sh = std::max<int64_t>(m.shard_shape[0], 1), sw = std::max<int64_t>(m.shard_shape[1], 1);
  const bool height = m.layout == MemoryLayout::height_sharded, width = m.layout == MemoryLayout::width_sharded;
  const bool row_major = m.orientation == ShardOrientation::row_major;
  const std::vector<Cell> cells = grid_cores(m.shard_grid, m.orientation);
  // A halo's output keeps the memory config of its input, whose shards are smaller than the windows each
  // core holds: more shards than the grid has places for means the rows split evenly over those places.
  if (!m.shard_grid.empty()) {
    const CoreRange& g = m.shard_grid.front();
    const int64_t row_places = height ? int64_t(cells.size()) : row_major ? g.y1 - g.y0 + 1 : g.x1 - g.x0 + 1;
    if (!width && row_places > 0 && ceil_div(device_rows, sh) > row_places) sh = ceil_div(device_rows, row_places);
  }
  const int64_t row_shards = width ? 1 : ceil_div(device_rows, sh);
  const int64_t col_shards = height ? 1 : ceil_div(device_cols, sw);
  auto rows_of = [&](int64_t device_row) { return std::min(ms.rows, device_row * ms.rows / std::max<int64_t>(device_rows, 1)); };
  auto cols_of = [&](int64_t device_col) { return std::min(ms.cols, device_col); };
  const int gx0 = m.shard_grid.empty() ? 0 : m.shard_grid.front().x0;
  const int gy0 = m.shard_grid.empty() ? 0 : m.shard_grid.front().y0;

  std::vector<Shard> out;
  // Row-major orientation walks a block grid's width first; column-major its height first.
  for (int64_t a = 0; a < (row_major ? row_shards : col_shards); ++a)
    for (int64_t b = 0; b < (row_major ? col_shards : row_shards); ++b) {
      const int64_t r = row_major ? a : b, c = row_major ? b : a;
      const int64_t rh = width ? device_rows : sh;
      const int64_t cw = height ? device_cols : sw;
      Cell cell;
      const int64_t index = int64_t(out.size());
      if (!height && !width) {
        cell = row_major ? Cell{gx0 + int(c), gy0 + int(r)} : Cell{gx0 + int(r), gy0 + int(c)};
      } else if (!cells.empty()) {
        if (index >= int64_t(cells.size())) return {};
        cell = cells[size_t(index)];
      } else {
        cell = {int(index % compute_width), int(index / compute_width)};
      }
      if (cell.x < 0 || cell.y < 0 || cell.x >= compute_width || cell.y >= compute_height) return {};
      out.push_back({cell.y * compute_width + cell.x,
                     {rows_of(r * rh), rows_of(std::min(device_rows, (r + 1) * rh)), cols_of(c * cw),
                      cols_of(std::min(device_cols, (c + 1) * cw))}});
    }
  return out;
}

}  // namespace tessera
