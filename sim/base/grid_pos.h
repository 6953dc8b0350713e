#pragma once
// A position on the chip's NoC grid, in physical coordinates (column x, row y).
namespace tessera {

struct GridPos {
  int x = 0;
  int y = 0;
  bool operator==(const GridPos& o) const { return x == o.x && y == o.y; }
  bool operator<(const GridPos& o) const { return y != o.y ? y < o.y : x < o.x; }
};

}  // namespace tessera
