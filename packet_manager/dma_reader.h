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
// NIU, pages on consecutive channels of the `channels` the chip has. Pages smaller than
// `coalesce_bytes` (a response packet) travel together as one message per packet's worth, still charged
// their issue time page by page (below).
struct PagedReads {
  uint32_t issue_cycles = 0;
  uint32_t read_credits = 1;
  int channels = 1;
  uint32_t store_cycles = 0;  // per element a kernel writes to L1 in a loop of its own (DramReadCmd::fill_elements)
  uint64_t coalesce_bytes = 0;  // 0: one message per page
};

// How many pages of `page_bytes` one message carries: as many as fit a response packet of
// `coalesce_bytes`, in whole barrier groups of `pages_per_barrier`; 1 (a message per page, the exact
// model) when fewer than two groups would fit.
uint64_t pages_per_message(uint64_t page_bytes, uint64_t coalesce_bytes, uint32_t pages_per_barrier);

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

  // A paged read: pages one by one (the exact model), or coalesced into messages (issue_coalesced).
  void issue_pages(size_t read);
  // Waits until the NIU has credits for `pages` (at most all of them) and takes them.
  uint32_t take_credits(uint64_t pages);
  // Pages `first`.. `first + n - 1` of a paged read as one message holding `credits`: books each
  // channel they interleave over and queues the message. The caller has spent their issue time.
  void send_pages(size_t read, uint64_t first, uint64_t n, uint32_t credits);
  // Small pages a packet's worth at a time. Each message's first barrier group goes page by page as
  // the kernel issues it, and the round trip it measures stands for the message's other groups: the
  // RISC-V spends their issue time and one such round trip each, then their bytes go as one message.
  void issue_coalesced(size_t read, uint64_t pages, uint64_t per_message);
  // Waits until at most `left` messages of the read are still on their way.
  void wait_messages(size_t read, uint64_t left);
  // A read barrier: wait until some page of this core lands.
  void wait_landed();
  // The read has landed: its tiles are there for the consumers, and its stream may go on.
  void deliver(size_t read);

  struct Packet {
    size_t read;           // index into program_.reader
    uint64_t bytes;
    uint64_t ready_cycle;  // when DRAM has produced it
    int channel;
    uint32_t credits;      // read credits it returns when it lands (0: not a paged read)
  };

  int core_;
  const CoreProgram& program_;
  ChipServices& chip_;
  uint64_t packet_bytes_;
  int max_outstanding_;
  int outstanding_ = 0;
  size_t delivered_ = 0;
  std::deque<Packet> queue_;
  std::vector<uint64_t> packets_left_;  // per read: packets (messages) not yet delivered
  std::vector<uint64_t> issued_at_;
  int stream_outstanding_[kStreams] = {};  // reads of each stream issued and not yet landed
  int barrier_waiters_ = 0;
  PagedReads paged_;
  uint32_t pages_in_flight_ = 0;
  sc_core::sc_event queued_, slot_freed_, credit_freed_, landed_;
};

}  // namespace tessera
