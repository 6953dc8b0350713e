#pragma once
// Placement policies. layer_by_layer: every op may use the whole compute grid, one after another.
// pipelined: consecutive ops form stages on disjoint core groups sized to balance the stages' work, and
// tiles stream from one stage to the next as they are produced (a spatial dataflow).
#include <vector>

#include "sim/mapper/map_context.h"

namespace tessera {

// A range of core indices [first, first + count).
struct CoreGroup {
  int first = 0;
  int count = 0;
};

// For each op, the cores it may use. layer_by_layer gives every op the whole grid.
std::vector<CoreGroup> place_ops(const MapContext& ctx);

// Work of an op on one core, in cycles, for balancing stages (0 for ops that move no data or compute).
double op_work_cycles(const MapContext& ctx, const Op& op);

}  // namespace tessera
