// Layer-by-layer placement: every op may use the whole compute grid, one op after another.
#include "sim/mapper/placement.h"

namespace tessera {
namespace {

std::vector<CoreGroup> place(const MapContext& ctx) {
  return std::vector<CoreGroup>(ctx.graph.ops.size(), CoreGroup{0, ctx.core_count});
}

}  // namespace

PlacementPolicy layer_by_layer_policy() { return {Placement::layer_by_layer, "layer_by_layer", place}; }

}  // namespace tessera
