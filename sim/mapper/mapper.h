#pragma once
// The mapper: decides how a graph uses the chip and writes the Plan. It lowers every op to 32x32 tiles,
// splits each op's output tiles over the compute grid, plans where every input tile comes from (DRAM for
// weights and the network input, the producing core for activations) and where outputs go, and checks
// each core's SRAM. It never simulates.
#include <memory>

#include "sim/config/arch_config.h"
#include "sim/mapper/map_context.h"
#include "sim/program/plan.h"
#include "sim/workload/graph.h"

namespace tessera {

// Maps the graph, sending activations through DRAM where they would overflow a core's SRAM.
Plan map_graph(const ArchConfig& config, const Graph& graph);

// One mapping with the given SRAM decisions, and what each core would hold at each op step.
struct MappingAttempt {
  Plan plan;
  std::vector<Holding> holdings;
  std::vector<std::vector<uint64_t>> resident;  // [core][op step] bytes
  // Mapped with Transfers::keep: the reads and sends, grouped but not yet in the plan's programs
  // (finish_transfers puts them there). An attempt the SRAM check refits never needs them.
  std::unique_ptr<PlanBuilder> pending;
  void finish_transfers() {
    if (pending) pending->finish(plan);
    pending.reset();
  }
};
// What map_once does with the plan's reads, sends and DRAM writes: put them in the programs (emit), keep
// them grouped in the attempt (keep), or not record them at all (drop: the plan has compute blocks and
// buffers only, and what each core holds, for the SRAM check).
enum class Transfers { emit, keep, drop };
MappingAttempt map_once(const ArchConfig& config, const Graph& graph, const SramDecisions& decisions,
                        Transfers transfers = Transfers::emit);
// The last attempt of map_graph's SRAM fitting, with its holdings (for inspecting what fills SRAM).
MappingAttempt map_fitted(const ArchConfig& config, const Graph& graph);

}  // namespace tessera
