#include "noc/grid.h"

namespace tessera::noc {

const char* direction_name(int direction) {
  switch (direction) {
    case kEast: return "east";
    case kWest: return "west";
    case kSouth: return "south";
    case kNorth: return "north";
    case kLocal: return "local";
  }
  return "unknown";
}

int Grid::neighbor(int n, int direction) const {
  int px = x(n), py = y(n);
  switch (direction) {
    case kEast: px += 1; break;
    case kWest: px -= 1; break;
    case kSouth: py += 1; break;
    case kNorth: py -= 1; break;
    default: return -1;
  }
  if (px < 0 || px >= width || py < 0 || py >= height) {
    if (!wraps) return -1;
    px = (px + width) % width;
    py = (py + height) % height;
  }
  return node(px, py);
}

bool Grid::crosses_dateline(int n, int direction) const {
  switch (direction) {
    case kEast: return x(n) == width - 1;
    case kWest: return x(n) == 0;
    case kSouth: return y(n) == height - 1;
    case kNorth: return y(n) == 0;
  }
  return false;
}

std::string link_name(const Grid& grid, int node, int direction) {
  return std::to_string(grid.x(node)) + "_" + std::to_string(grid.y(node)) + "." + direction_name(direction);
}

}  // namespace tessera::noc
