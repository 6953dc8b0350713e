#pragma once
// Geometry of the router grid: node ids, coordinates, neighbours and link ids. One router per grid position,
// node id = y * width + x; y grows southwards (down), x eastwards (right).
#include <cstdint>
#include <string>

namespace tessera::noc {

// Output directions of a router. kLocal is the ejection port to the endpoint.
enum Direction : int { kEast = 0, kWest = 1, kSouth = 2, kNorth = 3, kLocal = 4 };
constexpr int kNumLinkDirections = 4;
constexpr int kNumPorts = 5;

const char* direction_name(int direction);
inline int opposite(int direction) { return direction ^ 1; }

struct Grid {
  int width = 0;
  int height = 0;
  bool wraps = true;  // torus links at the edges

  int nodes() const { return width * height; }
  int x(int node) const { return node % width; }
  int y(int node) const { return node / width; }
  int node(int x, int y) const { return y * width + x; }
  // The router a link in `direction` leads to, or -1 when a mesh edge has no link there.
  int neighbor(int node, int direction) const;
  // Whether the link leaving `node` in `direction` is a wrap-around link (crosses the ring's dateline).
  bool crosses_dateline(int node, int direction) const;
};

// Links of one network are numbered node * 4 + direction; several networks (tt_dual) stack their ranges.
inline int link_id(int network, int nodes, int node, int direction) {
  return (network * nodes + node) * kNumLinkDirections + direction;
}

// "3_4.east" for the link leaving router (3,4) eastwards.
std::string link_name(const Grid& grid, int node, int direction);

}  // namespace tessera::noc
