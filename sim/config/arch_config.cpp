#include "sim/config/arch_config.h"

#include <algorithm>

namespace tessera {

TileKind ArchConfig::kind_at(GridPos p) const {
  if (std::find(dram.positions.begin(), dram.positions.end(), p) != dram.positions.end()) return TileKind::dram;
  if (std::find(chip.unused_positions.begin(), chip.unused_positions.end(), p) != chip.unused_positions.end())
    return TileKind::unused;
  return TileKind::tensix;
}

// Logical coordinates skip columns and rows without Tensix cores, as tt-metal's logical core grid does:
// logical (i, j) is the i-th Tensix column and the j-th Tensix row. Positions that are not Tensix make the
// grid unusable in that shape (the caller reports it).
std::vector<GridPos> ArchConfig::compute_cores() const {
  std::vector<int> cols, rows;
  for (int x = 0; x < chip.grid_width; ++x)
    for (int y = 0; y < chip.grid_height; ++y)
      if (kind_at({x, y}) == TileKind::tensix) { cols.push_back(x); break; }
  for (int y = 0; y < chip.grid_height; ++y)
    for (int x = 0; x < chip.grid_width; ++x)
      if (kind_at({x, y}) == TileKind::tensix) { rows.push_back(y); break; }
  std::vector<GridPos> out;
  if (int(cols.size()) < chip.compute_width || int(rows.size()) < chip.compute_height) return out;
  for (int j = 0; j < chip.compute_height; ++j)
    for (int i = 0; i < chip.compute_width; ++i) {
      GridPos p{cols[i], rows[j]};
      if (kind_at(p) != TileKind::tensix) return {};
      out.push_back(p);
    }
  return out;
}

}  // namespace tessera
