#pragma once
// Checks of a run measured at the chip, not taken from the mapper's bookkeeping: how many bytes each
// core's buffers really held at once (tiles reserved or landed, until popped, sent on, or until no engine
// of the core will read them again), and how many tiles each op's compute blocks pushed into its output buffers.
// Tests compare these with the core's SRAM and with the op's shape; the mapper's own figures are not used.
#include <cstdint>
#include <memory>
#include <queue>
#include <vector>

#include "core/compute_pipeline.h"
#include "sim/program/chip_services.h"
#include "sim/program/plan.h"

namespace tessera {

struct ChipMeasurements {
  std::vector<uint64_t> sram_peak_bytes;   // per core: the most bytes its buffers held at once
  std::vector<uint64_t> op_output_tiles;   // per op: tiles its compute blocks pushed into its output buffers
};

// Pure observer: it adds no process and no event, so a run takes the same course with or without it.
class RunInvariants {
 public:
  // Attaches a residency meter to every buffer of every core; `compute` are the cores' pipelines, whose
  // finished blocks tell when a buffer's last reader is done (looked at before each byte is added).
  RunInvariants(const Plan& plan, ChipServices& chip, const std::vector<std::unique_ptr<ComputePipeline>>& compute);
  RunInvariants(const RunInvariants&) = delete;
  RunInvariants& operator=(const RunInvariants&) = delete;

  // The writer DMA of `core` has finished one more send (the Chip forwards its activity records).
  void on_send_done(int core);
  ChipMeasurements measurements() const;

 private:
  // A buffer is freed once the compute blocks that use it (read, pop or fill it) and the sends that read
  // it are all done: `after_blocks` finished blocks and `after_sends` finished sends.
  struct Release {
    size_t after_blocks = 0, after_sends = 0;
    int buffer = 0;
  };
  struct CoreState {
    std::vector<Release> by_blocks;  // sorted by after_blocks
    size_t next = 0;
    std::priority_queue<std::pair<size_t, int>, std::vector<std::pair<size_t, int>>, std::greater<>> by_sends;
    size_t sends_done = 0;
    // Per send: the buffer whose tiles it drains once done, and how many (-1: none, see the constructor).
    std::vector<std::pair<int, uint64_t>> drains;
    ResidencyMeter meter;
  };

  void release_done(int core);

  const Plan& plan_;
  ChipServices& chip_;
  const std::vector<std::unique_ptr<ComputePipeline>>& compute_;
  std::vector<CoreState> cores_;
};

}  // namespace tessera
