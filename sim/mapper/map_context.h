#pragma once
// The state the mapper carries from op to op: where each tensor's pieces are held, the costs of the
// core's engines, and the builder of the per-core programs. Lowerings for each kind of op share it.
#include <string>
#include <vector>

#include "core/compute_costs.h"
#include "sim/config/arch_config.h"
#include "sim/mapper/plan_builder.h"
#include "sim/workload/graph.h"

namespace tessera {

// One piece of an operand on a core: the part of the tensor it holds and the level that says it is there
// (a landing buffer of its own, or the producer's buffer when the producer is this core).
struct OperandPart {
  Region region;
  BufferLevel ready;
};

struct OperandFetch {
  std::vector<OperandPart> parts;
  uint64_t tiles = 0;              // tiles of the operand
  uint64_t bytes = 0;              // bytes that land in the core's SRAM
  bool compressed = false;         // stored compressed: unpacks at the x1 rate

  // Levels to wait for before using `region` of the operand: only the parts that overlap it, so that a
  // block starts as soon as its own rows are there.
  std::vector<BufferLevel> waits_for(const Region& region) const;
  std::vector<BufferLevel> all_waits() const;
};

class MapContext {
 public:
  MapContext(const ArchConfig& config, const Graph& graph, Plan& plan);

  const ArchConfig& config;
  const Graph& graph;
  Plan& plan;
  ComputeCosts costs;
  PlanBuilder builder;
  int core_count = 0;
  // Pieces of each activation tensor held in cores' output buffers (empty for DRAM tensors).
  std::vector<std::vector<HeldPiece>> held;
  // Ops lowered on each core so far: an op's DRAM reads wait until all but the one before it are done.
  std::vector<uint64_t> ops_on_core;
  std::vector<BufferLevel> prefetch_gate(int core) const {
    return {{kProgressBuffer, ops_on_core[core] > 0 ? ops_on_core[core] - 1 : 0}};
  }
  // Bytes resident per core per op step, for the SRAM check.
  std::vector<std::vector<uint64_t>> resident;

  DataFormat format_of(const Tensor& t) const;
  DataFormat math_format(const Op& op) const;
  Fidelity fidelity_of(const Op& op) const;
  // Fraction of a tensor's tiles that are entirely zero (block sparsity): skipped, never sent.
  double zero_tile_fraction(const Tensor& t) const;

  // Brings `region` of input `input` of op `op_index` into a new buffer on `core`, resident for the op:
  // from the cores holding the pieces, or from DRAM for inputs and weights.
  OperandFetch fetch_resident(int op_index, int input, int core, const Region& region, const std::string& label);

  // Counts `bytes` resident on `core` from op step `from` to `to` inclusive.
  void hold_sram(int core, int from, int to, uint64_t bytes);
};

}  // namespace tessera
