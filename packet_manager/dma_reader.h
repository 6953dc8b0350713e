#pragma once
// The packet manager's inbound DMA engine: runs a core's reader program, fetching tensors from DRAM and
// delivering them over the NoC into buffers (its own core's, or several cores' by multicast). A read
// moves packet by packet, so the DRAM channel and the NoC work on different packets at once, and a few
// reads stay in flight so that DRAM latency overlaps with transfers.
#include <deque>
#include <vector>

#include <systemc>

#include "sim/program/chip_services.h"
#include "sim/program/plan.h"

namespace tessera {

// How a tt-metal kernel reads an interleaved DRAM tensor (DramReadCmd::page_bytes): one read call per
// page, `issue_cycles` apart on the calling RISC-V, at most `read_credits` pages in flight on the core's
// NIU, pages on consecutive channels of the `channels` the chip has.
struct PagedReads {
  uint32_t issue_cycles = 0;
  uint32_t read_credits = 1;
  int channels = 1;
  uint32_t store_cycles = 0;  // per element a kernel writes to L1 in a loop of its own (DramReadCmd::fill_elements)
};

class DmaReader : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(DmaReader);
  DmaReader(sc_core::sc_module_name name, int core, const CoreProgram& program, ChipServices& chip,
            uint64_t packet_bytes, int max_outstanding = 4, PagedReads paged = {});

  size_t reads_done() const { return delivered_; }

 private:
  static constexpr int kStreams = 3;
  // Books DRAM time for the packets of one stream's reads in order, up to the core's outstanding limit.
  void issue(int stream);
  void forward();  // sends each packet over the NoC once DRAM has produced it

  // One page read: wait for a credit, book the page's channel, then spend the call's issue time.
  void issue_pages(size_t read);
  // A read barrier: wait until some page of this core lands.
  void wait_landed();
  // The read has landed: its tiles are there for the consumers, and its stream may go on.
  void deliver(size_t read);

  struct Packet {
    size_t read;           // index into program_.reader
    uint64_t bytes;
    uint64_t ready_cycle;  // when DRAM has produced it
    int channel;
    bool page;             // returns a read credit when it lands
  };

  int core_;
  const CoreProgram& program_;
  ChipServices& chip_;
  uint64_t packet_bytes_;
  int max_outstanding_;
  int outstanding_ = 0;
  size_t delivered_ = 0;
  std::deque<Packet> queue_;
  std::vector<uint32_t> packets_left_;  // per read: packets not yet delivered
  std::vector<uint64_t> issued_at_;
  int stream_outstanding_[kStreams] = {};  // reads of each stream issued and not yet landed
  int barrier_waiters_ = 0;
  PagedReads paged_;
  uint32_t pages_in_flight_ = 0;
  sc_core::sc_event queued_, slot_freed_, credit_freed_, landed_;
};

}  // namespace tessera
