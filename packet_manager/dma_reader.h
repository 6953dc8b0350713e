#pragma once
// The packet manager's inbound DMA engine: runs a core's reader program, fetching tensors from DRAM and
// delivering them over the NoC into buffers (its own core's, or several cores' by multicast). It keeps a
// few reads in flight so that DRAM latency overlaps with transfers.
#include <deque>

#include <systemc>

#include "sim/chip/chip_services.h"
#include "sim/plan/plan.h"

namespace tessera {

class DmaReader : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(DmaReader);
  DmaReader(sc_core::sc_module_name name, int core, const CoreProgram& program, ChipServices& chip,
            int max_outstanding = 4);

  size_t reads_done() const { return delivered_; }

 private:
  void issue();    // books DRAM time for the next reads, up to the outstanding limit
  void forward();  // sends each read's data over the NoC once DRAM has produced it

  struct Pending {
    const DramReadCmd* cmd;
    uint64_t ready_cycle;
    uint64_t issue_cycle;
  };

  int core_;
  const CoreProgram& program_;
  ChipServices& chip_;
  int max_outstanding_;
  int outstanding_ = 0;
  size_t delivered_ = 0;
  std::deque<Pending> queue_;
  sc_core::sc_event queued_, slot_freed_;
};

}  // namespace tessera
