#pragma once
// A core's compute engine as one SystemC module: the reshape (when the core does its own gathers), unpack,
// math and pack stages run a core's compute program block by block. Stages of consecutive blocks overlap
// as a pipeline synchronised through buffers, so a core's time follows its slowest stage, not the sum.
#include <vector>

#include <systemc>

#include "sim/program/chip_services.h"
#include "sim/program/plan.h"

namespace tessera {

// Start and end cycles of each pipeline stage for one block.
struct StageTimes {
  uint64_t reshape_start = 0, reshape_end = 0;
  uint64_t unpack_start = 0, unpack_end = 0;
  uint64_t math_start = 0, math_end = 0;
  uint64_t pack_start = 0, pack_end = 0;
};

// Advances the stage clocks by one block that becomes ready at `ready`. Stages stream tile by tile: a
// stage may start one tile after the stage before it starts, and ends no earlier than one tile after the
// stage before it ends. `previous` holds the stage clocks after the previous block.
StageTimes schedule_block(const ComputeCmd& cmd, uint64_t ready, const StageTimes& previous);

class ComputePipeline : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(ComputePipeline);
  ComputePipeline(sc_core::sc_module_name name, int core, const CoreProgram& program, ChipServices& chip);

  size_t blocks_done() const { return done_; }

 private:
  void run();

  int core_;
  const CoreProgram& program_;
  ChipServices& chip_;
  size_t done_ = 0;
};

}  // namespace tessera
