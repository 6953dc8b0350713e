#include "noc/routing.h"

#include <stdexcept>
#include <unordered_map>

namespace tessera::noc {

std::vector<Network> networks_for(const NocConfig& config) {
  Grid grid{config.width, config.height, config.topology != Topology::mesh};
  switch (config.topology) {
    case Topology::torus:
    case Topology::mesh:
      return {Network{grid, RoutingKind::minimal_xy}};
    case Topology::tt_dual:
      return {Network{grid, RoutingKind::east_then_south}, Network{grid, RoutingKind::north_then_west}};
  }
  throw std::logic_error("unknown NoC topology");
}

namespace {

// Direction along one ring (or line) of `size` routers from `from` to `to`: +1, -1 or 0 when there.
int ring_step(int from, int to, int size, bool wraps, bool tie_goes_negative) {
  if (from == to) return 0;
  if (!wraps) return to > from ? 1 : -1;
  int forward = (to - from + size) % size;
  if (2 * forward < size) return 1;
  if (2 * forward > size) return -1;
  return tie_goes_negative ? -1 : 1;
}

}  // namespace

int next_direction(const Network& net, int current, int dst, unsigned tie_bits) {
  const Grid& g = net.grid;
  int cx = g.x(current), cy = g.y(current), dx = g.x(dst), dy = g.y(dst);
  switch (net.routing) {
    case RoutingKind::minimal_xy: {
      int step = ring_step(cx, dx, g.width, g.wraps, tie_bits & 1);
      if (step != 0) return step > 0 ? kEast : kWest;
      step = ring_step(cy, dy, g.height, g.wraps, tie_bits & 2);
      if (step != 0) return step > 0 ? kSouth : kNorth;
      return kLocal;
    }
    case RoutingKind::east_then_south:
      if (cx != dx) return kEast;
      if (cy != dy) return kSouth;
      return kLocal;
    case RoutingKind::north_then_west:
      if (cy != dy) return kNorth;
      if (cx != dx) return kWest;
      return kLocal;
  }
  return kLocal;
}

int hop_count(const Network& net, int src, int dst) {
  const Grid& g = net.grid;
  int ddx = g.x(dst) - g.x(src), ddy = g.y(dst) - g.y(src);
  auto ring = [&](int d, int size) {
    if (!g.wraps) return d < 0 ? -d : d;
    int forward = ((d % size) + size) % size;
    return forward < size - forward ? forward : size - forward;
  };
  switch (net.routing) {
    case RoutingKind::minimal_xy: return ring(ddx, g.width) + ring(ddy, g.height);
    case RoutingKind::east_then_south: return (ddx + g.width) % g.width + (ddy + g.height) % g.height;
    case RoutingKind::north_then_west: return (g.width - ddx) % g.width + (g.height - ddy) % g.height;
  }
  return 0;
}

void build_route_tree(const Network& net, int src, const std::vector<int>& dsts, unsigned tie_bits,
                      RouteTree& tree) {
  tree.edges.clear();
  tree.dst_edge.clear();
  std::unordered_map<int, int> edge_of_link;  // lookups only: order comes from the paths
  const int limit = net.grid.width + net.grid.height + 2;
  for (int dst : dsts) {
    int current = src, parent = -1;
    for (int step = 0; current != dst; ++step) {
      if (step > limit) throw std::logic_error("NoC routing does not converge");
      int dir = next_direction(net, current, dst, tie_bits);
      int key = current * kNumLinkDirections + dir;
      auto [it, inserted] = edge_of_link.try_emplace(key, static_cast<int>(tree.edges.size()));
      if (inserted) tree.edges.push_back({current, dir, parent});
      parent = it->second;
      current = net.grid.neighbor(current, dir);
    }
    tree.dst_edge.push_back(parent);
  }
}

}  // namespace tessera::noc
