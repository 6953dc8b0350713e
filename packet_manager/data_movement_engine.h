#pragma once
// The data-movement engine as a tt-metal kernel drives it: a RISC-V makes one noc_async_* call per
// transfer and each call costs it a fixed issue time (address generation, programming the NIU's command
// buffer); the NIU keeps a bounded number of read requests in flight; a read is a request packet to the
// target and response packets back, a write is data out and an acknowledgement back. Plain C++, no
// SystemC: the NoC-trace replay (sim/noc_trace) and the chip's DMA reader both price data movement with it.
#include <cstdint>

namespace tessera {

struct DataMovementEngineConfig {
  // RISC-V cycles from one noc_async_* call to the next when nothing stalls it.
  uint32_t riscv_issue_cycles = 124;
  // Read requests one NIU (one core on one NoC) keeps outstanding; a further read stalls its RISC-V.
  uint32_t niu_read_credits = 64;
  // Payload bytes of a read request, a write acknowledgement and an atomic (header flits only when 0).
  uint32_t request_bytes = 0;
  // Read data returns in packets of at most this many bytes.
  uint32_t response_packet_bytes = 8192;
  // Cycles from a read request's arrival at a core to its first response packet (L1 read latency).
  uint32_t l1_read_latency_cycles = 8;
  // Rate at which one NIU reads its core's L1 to answer read requests, bytes per cycle; requests queue
  // behind each other at the target. A link-rate figure (32 on Wormhole) makes it a no-op.
  double niu_response_bytes_per_cycle = 32;
};

// Per-call issue timing of one RISC-V and the read credits of the NIU it issues through.
class NiuIssueModel {
 public:
  explicit NiuIssueModel(const DataMovementEngineConfig& config) : config_(config) {}

  // The earliest cycle a call may start when the RISC-V is free at `riscv_free`.
  uint64_t call_start(uint64_t riscv_free) const { return riscv_free; }
  // When the RISC-V is free again after a call started at `start`.
  uint64_t call_end(uint64_t start) const { return start + config_.riscv_issue_cycles; }

  bool read_credit_available() const { return outstanding_reads_ < config_.niu_read_credits; }
  void read_issued() { ++outstanding_reads_; }
  void read_landed() {
    if (outstanding_reads_ > 0) --outstanding_reads_;
  }
  uint32_t outstanding_reads() const { return outstanding_reads_; }

 private:
  DataMovementEngineConfig config_;
  uint32_t outstanding_reads_ = 0;
};

// Closed-form steady-state rate, in bytes per cycle, of one RISC-V reading `page_bytes` pages back to back
// when a read takes `round_trip_cycles` from call to landing: the slowest of the RISC-V's issue rate and
// the NIU's credits over the round trip. The link and the DRAM bound it further (the caller's concern).
double engine_read_bytes_per_cycle(const DataMovementEngineConfig& config, uint64_t page_bytes,
                                   uint64_t round_trip_cycles);

}  // namespace tessera
