#pragma once
// Placement policies, each in its own file under sim/mapper/placement/ and registered here by name:
// layer_by_layer (every op may use the whole grid, one after another) and pipelined (consecutive ops in
// stages on disjoint core groups, tiles streaming between them).
#include <vector>

#include "sim/mapper/map_context.h"

namespace tessera {

// A range of core indices [first, first + count).
struct CoreGroup {
  int first = 0;
  int count = 0;
};

struct PlacementPolicy {
  Placement id;
  const char* name;
  // For each op, the cores it may use.
  std::vector<CoreGroup> (*place)(const MapContext& ctx);
};

const std::vector<PlacementPolicy>& placement_policies();
PlacementPolicy layer_by_layer_policy();
PlacementPolicy pipelined_policy();

// For each op, the cores the configured policy gives it.
std::vector<CoreGroup> place_ops(const MapContext& ctx);

// Work of an op on one core, in cycles, for balancing stages (0 for ops that move no data or compute).
double op_work_cycles(const MapContext& ctx, const Op& op);

}  // namespace tessera
