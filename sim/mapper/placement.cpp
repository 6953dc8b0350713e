#include "sim/mapper/placement.h"

#include <stdexcept>

#include "sim/mapper/lowering.h"
#include "sim/workload/matrix_view.h"

namespace tessera {

double op_work_cycles(const MapContext& ctx, const Op& op) {
  const Tensor& y = ctx.graph.output(op);
  const double tiles = double(region_tiles(whole(y)));
  return tiles * estimate_tile_cycles(ctx, op);
}

const std::vector<PlacementPolicy>& placement_policies() {
  static const std::vector<PlacementPolicy> policies = {layer_by_layer_policy(), pipelined_policy()};
  return policies;
}

std::vector<CoreGroup> place_ops(const MapContext& ctx) {
  for (const PlacementPolicy& p : placement_policies())
    if (p.id == ctx.config.mapper.placement) return p.place(ctx);
  throw std::logic_error(std::string("no placement policy registered for ") + to_string(ctx.config.mapper.placement));
}

}  // namespace tessera
