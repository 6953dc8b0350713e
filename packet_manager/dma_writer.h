#pragma once
// The packet manager's outbound DMA engine: runs a core's writer program, sending produced tiles over the
// NoC to the cores that consume them (multicast when several do) or to DRAM. It reads SRAM at its own rate
// while the NoC carries earlier packets, and compresses on the way when the plan says so.
#include <list>
#include <vector>

#include <systemc>

#include "packet_manager/compressor.h"
#include "packet_manager/packet_manager_config.h"
#include "sim/program/chip_services.h"
#include "sim/program/plan.h"

namespace tessera {

class DmaWriter : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(DmaWriter);
  DmaWriter(sc_core::sc_module_name name, int core, const CoreProgram& program, ChipServices& chip,
            const PacketManagerConfig& config, uint64_t sram_read_bytes_per_cycle, uint64_t packet_bytes,
            uint64_t link_bytes_per_cycle, int dram_channels = 1);

  size_t sends_done() const { return done_; }

 private:
  void run();
  // Staged writes: the destination cores learn that the data is in DRAM when the channel has written it.
  void notify_at(uint64_t cycle, const SendCmd* cmd);
  void release_staged();
  // A DRAM write one page per write call, as a tt-metal writer kernel does (SendCmd::page_bytes): each
  // call costs the RISC-V the engine's issue time; pages go to consecutive channels, those smaller than a
  // response packet a packet's worth per message. With SendCmd::pages_per_barrier the kernel waits for
  // the acknowledgements of each group of pages before its next call. Returns the cycles spent.
  uint64_t write_pages(const SendCmd& cmd);
  // Sends pages [first, first + n) of a paged write as one message; with `acknowledged`, the channels
  // send an acknowledgement back once the bytes are written (the kernel will wait for it).
  void send_pages(size_t index, uint64_t first, uint64_t n, bool acknowledged);
  // A write barrier: waits until every acknowledged message has had its acknowledgement back.
  void wait_acks();

  int core_;
  const CoreProgram& program_;
  ChipServices& chip_;
  PacketManagerConfig config_;
  uint64_t sram_read_bytes_per_cycle_;
  uint64_t link_bytes_per_cycle_;
  Compressor compressor_;
  size_t done_ = 0;
  uint64_t packet_bytes_;
  int dram_channels_;
  std::vector<uint64_t> packets_left_;  // per DRAM write: packets not yet written
  std::vector<uint64_t> written_at_;    // per DRAM write: when its last byte is in DRAM
  uint64_t acks_pending_ = 0;            // acknowledged messages whose acknowledgement is not back yet
  sc_core::sc_event acked_;
  std::list<std::pair<uint64_t, const SendCmd*>> staged_;
  sc_core::sc_event staged_event_;
};

// Cycles the DMA engine spends reading one send's payload out of SRAM: at dma_read_bytes_per_cycle, never
// faster than the SRAM read port gives.
uint64_t writer_read_cycles(const SendCmd& cmd, const PacketManagerConfig& config, uint64_t sram_read_bytes_per_cycle);

}  // namespace tessera
