#pragma once
// The state the mapper carries from op to op: where each tensor's pieces are held, the costs of the
// core's engines, and the builder of the per-core programs. Lowerings for each kind of op share it.
#include <array>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/compute_costs.h"
#include "core/compute_pipeline.h"
#include "sim/config/arch_config.h"
#include "sim/mapper/op_by_op_rules.h"
#include "sim/mapper/plan_builder.h"
#include "sim/mapper/row_runs.h"
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
  uint64_t local_bytes = 0;        // bytes of the parts this core already holds (read where they are)
  bool compressed = false;         // stored compressed: unpacks at the x1 rate
  double ratio = 1.0;              // raw bytes / stored bytes when compressed
  bool streamed = false;           // parts flow in order through one bounded buffer (see stream_pops)
  RowRuns index;                   // the parts' regions, for finding the ones a block overlaps (set last)

  // Levels to wait for before using `region` of the operand: only the parts that overlap it, so that a
  // block starts as soon as its own rows are there.
  std::vector<BufferLevel> waits_for(const Region& region) const;
  std::vector<BufferLevel> all_waits() const;
  // For a streamed operand read by blocks needing `needs` in order: the tiles each block releases (a
  // part goes once the last block that reads it is done).
  std::vector<std::vector<BufferLevel>> stream_pops(const std::vector<Region>& needs) const;

  // A streamed operand's reads wait until the blocks are known (issue_stream_reads).
  struct PendingRead {
    std::string key;
    uint64_t bytes = 0, tiles = 0;
    std::vector<BufferLevel> waits;
    uint32_t page_bytes = 0;
  };
  std::vector<PendingRead> pending;
};

// Bytes a core holds in SRAM from op step `from` to `to`, and for which tensor and consumer op, so that
// the SRAM check can choose what to send through DRAM instead.
struct Holding {
  int core = 0, from = 0, to = 0;
  uint64_t bytes = 0;
  int tensor = -1;
  int consumer = -1;
  bool prefetched = false;  // a DRAM read gated on the core's own ops, landing before its consumer's step
};

// What the SRAM check decided on earlier attempts: activations that go through DRAM instead of waiting
// in a consumer's SRAM, and ops whose inputs stream through bounded buffers.
struct SramDecisions {
  std::set<std::pair<int, int>> staged;  // (tensor, consumer op)
  // Ops whose inputs stream, with how many times their blocks were halved to fit (0 to 3).
  std::map<int, int> streamed_ops;
  // Ops whose DRAM reads wait until the op before them on the core is done, instead of being fetched
  // while it runs: their data and the previous op's never share SRAM.
  std::set<int> unprefetched_ops;
  int block_shrink(int op) const {
    auto it = streamed_ops.find(op);
    return it == streamed_ops.end() ? 0 : it->second;
  }
};

class MapContext {
 public:
  MapContext(const ArchConfig& config, const Graph& graph, Plan& plan, const SramDecisions& decisions);

  const ArchConfig& config;
  const Graph& graph;
  Plan& plan;
  ComputeCosts costs;
  PlanBuilder builder;
  const SramDecisions& decisions;
  // Every tensor's format and every op's fidelity (the trace's, the op-by-op rule's, or the defaults).
  const FormatChoices formats;
  std::vector<Holding> holdings;
  std::vector<uint64_t> spilled_bytes;  // per op: input bytes that came back from DRAM because SRAM was full
  int core_count = 0;
  // Pieces of each activation tensor held in cores' output buffers (empty for DRAM tensors).
  std::vector<std::vector<HeldPiece>> held;
  // Tensors whose pieces overlap (a halo's output repeats the window's edge rows on neighbouring cores).
  std::set<int> overlapping_pieces;
  // The pieces of `tensor` to read `region` from on `core`, each with the part it gives: every piece that
  // overlaps it, in order; for an overlapping tensor each row once, the core's own pieces first, then the
  // pieces giving the most.
  std::vector<std::pair<const HeldPiece*, Region>> pieces_for(int tensor, int core, const Region& region) const;
  // Ops lowered on each core so far: an op's DRAM reads wait until all but the one before it are done
  // (all of them for an unprefetched op).
  std::vector<uint64_t> ops_on_core;
  // The ops of the last two shares lowered on each core (-1: none), newest first: they say when the core's
  // progress gate lets a DRAM read start.
  std::vector<std::array<int, 2>> last_ops_on_core;
  void count_share(int core, int op_index) {
    ++ops_on_core[size_t(core)];
    last_ops_on_core[size_t(core)] = {op_index, last_ops_on_core[size_t(core)][0]};
  }
  // The first op step at which a DRAM read of this op may have landed on the core, by its prefetch gate: a
  // prefetched read waits for all but the core's last share, so it may land while the ops of other cores
  // that run before that share (steps after the one before it) still run; an unprefetched read waits
  // for the last share. Op by op, reads wait for the op's own launch. A read shared by several cores
  // waits for every one's gate (DramReadCmd::dst_waits), so each core's own gate bounds it.
  int first_read_step(int core, int op_index) const {
    if (builder.launch_level(op_index).buffer >= 0) return op_index;
    const std::array<int, 2>& last = last_ops_on_core[size_t(core)];
    const int done = prefetches(op_index) ? last[1] : last[0];
    return std::min(op_index, done + 1);
  }
  // Op by op, an op's reads wait for its program's launch instead: nothing is fetched ahead.
  std::vector<BufferLevel> prefetch_gate(int core, int op_index) const {
    const BufferLevel launch = builder.launch_level(op_index);
    if (launch.buffer >= 0) return {launch};
    if (decisions.unprefetched_ops.count(op_index)) return {{kProgressBuffer, ops_on_core[core]}};
    return {{kProgressBuffer, ops_on_core[core] > 0 ? ops_on_core[core] - 1 : 0}};
  }
  // Whether an op's DRAM data arrives while the op before it on the core still runs (and so shares its SRAM).
  bool prefetches(int op_index) const {
    return !decisions.unprefetched_ops.count(op_index) && config.mapper.schedule == Schedule::fused;
  }
  // Bytes resident per core per op step, for the SRAM check.
  std::vector<std::vector<uint64_t>> resident;

  // What the chip's engines will charge for a block, from their own cost functions: the mapper's
  // estimates and the simulation price work the same way.
  StageCycles price(const ComputeCmd& cmd) const;

  DataFormat format_of(const Tensor& t) const;
  // Op by op, the DRAM page of a row-major tensor: one row of its last dimension, as tt-metal
  // interleaves row-major tensors (0 for a tiled tensor, whose page is one tile).
  uint32_t row_page_bytes(const Tensor& t) const;
  DataFormat math_format(const Op& op) const;
  Fidelity fidelity_of(const Op& op) const;
  // Fraction of non-zero values: the trace's, else the config's default.
  double density_of(const Tensor& t) const { return t.density.value_or(config.packet_manager.default_density); }
  // Fraction of a tensor's tiles that are entirely zero (block sparsity): skipped, never sent.
  double zero_tile_fraction(const Tensor& t) const;

  // Brings `region` of input `input` of op `op_index` into a new buffer on `core`, resident for the op:
  // from the cores holding the pieces, or from DRAM for inputs and weights.
  // `block_needs`: what each block of the op reads of this operand, in order; it sizes the bounded buffer
  // when the operand streams (room for every part from the oldest still needed to the newest a block reads).
  // `whole_stream`: the reader stream of the DRAM reads of an operand read whole (not streamed).
  OperandFetch fetch_resident(int op_index, int input, int core, const Region& region, const std::string& label,
                              const std::vector<Region>& block_needs = {}, int whole_stream = 0);

  // Sends the pieces of `region` of an activation input through DRAM for this core; the returned level
  // says they are all there.
  BufferLevel stage_through_dram(int op_index, int input, int core, const Region& region);

  // Emits a streamed operand's reads in the order the blocks first need them: block b's parts get need
  // 2b, so that a block's weights (need 2b + 1) follow its rows. `stream`: the reader stream they go on
  // (DramReadCmd::stream; reads of different streams are in flight together).
  void issue_stream_reads(int op_index, int core, const OperandFetch& fetch, const std::vector<Region>& needs,
                          int stream = 1);

  // Counts `bytes` resident on `core` from op step `from` to `to` inclusive.
  void hold_sram(int core, int from, int to, uint64_t bytes, int tensor = -1, int consumer = -1,
                 bool prefetched = false);
};

}  // namespace tessera
