#pragma once
// The mapper: decides how a graph uses the chip and writes the Plan. It lowers every op to 32x32 tiles,
// splits each op's output tiles over the compute grid, plans where every input tile comes from (DRAM for
// weights and the network input, the producing core for activations) and where outputs go, and checks
// each core's SRAM. It never simulates.
#include "sim/config/arch_config.h"
#include "sim/plan/plan.h"
#include "sim/workload/graph.h"

namespace tessera {

Plan map_graph(const ArchConfig& config, const Graph& graph);

}  // namespace tessera
