#pragma once
// A core's compute engine as one SystemC module: the unpack, math and pack stages run the core's compute
// program block by block, behind the packet manager's reshape engine when a block needs a gather. Stages
// of consecutive blocks overlap as a pipeline synchronised through buffers, so a core's time follows its
// slowest stage, not the sum. Each stage prices its own work from the core's config (ComputeCosts).
#include <vector>

#include <systemc>

#include "core/compute_costs.h"
#include "core/core_config.h"
#include "sim/program/chip_services.h"
#include "sim/program/plan.h"

namespace tessera {

// Cycles each stage spends on one block.
struct StageCycles {
  uint64_t reshape = 0;  // on the reshape engine (0 when the core gathers itself: that is in math)
  uint64_t unpack = 0;
  uint64_t math = 0;
  uint64_t pack = 0;
};

// Start and end cycles of each pipeline stage for one block.
struct StageTimes {
  uint64_t reshape_start = 0, reshape_end = 0;
  uint64_t unpack_start = 0, unpack_end = 0;
  uint64_t math_start = 0, math_end = 0;
  uint64_t pack_start = 0, pack_end = 0;
};

// What the core's own stages charge for a block. Without a reshape engine (`core_gathers`) the gather runs
// on the core and holds up its math.
StageCycles price_block(const ComputeCmd& cmd, const ComputeCosts& costs, bool core_gathers);

// Advances the stage clocks by one block whose reshape stage ran over `reshape` (it becomes ready at
// reshape.start). Stages stream tile by tile: a stage may start one tile after the stage before it starts,
// and ends no earlier than one tile after the stage before it ends. `previous` holds the stage clocks
// after the previous block. With `whole_gather` the unpackers wait for the whole reshape instead (a kernel
// that waits for its whole gathered block before it starts on it).
StageTimes schedule_block(const StageCycles& cycles, uint64_t stream_tiles, StageSpan reshape,
                          const StageTimes& previous, bool whole_gather = false);

class ComputePipeline : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(ComputePipeline);
  // `gathers` is the packet manager's reshape engine; nullptr when the chip has none.
  ComputePipeline(sc_core::sc_module_name name, int core, const CoreProgram& program, ChipServices& chip,
                  const CoreConfig& config, GatherPort* gathers);

  size_t blocks_done() const { return done_; }

 private:
  void run();

  int core_;
  const CoreProgram& program_;
  ChipServices& chip_;
  ComputeCosts costs_;
  GatherPort* gathers_;
  size_t done_ = 0;
};

}  // namespace tessera
