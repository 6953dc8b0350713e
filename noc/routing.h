#pragma once
// Dimension-order routing on the grid: which output a packet takes at each router, the links of a unicast
// path, and the X-then-Y (or Y-then-X) tree a multicast follows.
#include <vector>

#include "noc/grid.h"
#include "noc/noc_config.h"

namespace tessera::noc {

enum class RoutingKind {
  minimal_xy,        // torus or mesh: X first, then Y, the shorter way round each ring
  east_then_south,   // Tenstorrent NoC0: +X then +Y on unidirectional rings
  north_then_west,   // Tenstorrent NoC1: -Y then -X on unidirectional rings
};

// One physical network: a grid and the routing that runs on it. tt_dual has two.
struct Network {
  Grid grid;
  RoutingKind routing = RoutingKind::minimal_xy;
};

std::vector<Network> networks_for(const NocConfig& config);

// The output port at router `current` for a packet headed to `dst` (kLocal once there). On a torus a ring
// distance of exactly half the ring is a tie: bit 0 of `tie_bits` picks west (X), bit 1 north (Y), so that
// the choice stays the same all along the ring and the load splits evenly over packets.
int next_direction(const Network& net, int current, int dst, unsigned tie_bits);

// Links (router to router) between src and dst.
int hop_count(const Network& net, int src, int dst);

// The links a message uses from `src` to every destination: the union of the dimension-order paths, which
// is a tree, so a multicast crosses each link once.
struct RouteTree {
  struct Edge {
    int node;       // router the link leaves
    int direction;  // which of its links
    int parent;     // index of the edge arriving at `node`, -1 when `node` is the source
  };
  std::vector<Edge> edges;     // every parent comes before its children
  std::vector<int> dst_edge;   // per destination, the edge arriving there; -1 when dst == src
};
void build_route_tree(const Network& net, int src, const std::vector<int>& dsts, unsigned tie_bits,
                      RouteTree& tree);

}  // namespace tessera::noc
