#pragma once
// The data-movement engine as a tt-metal kernel drives it: a RISC-V makes one noc_async_* call per
// transfer and each call costs it a fixed issue time (address generation, programming the NIU's command
// buffer); the NIU keeps a bounded number of read requests in flight; a read is a request packet to the
// target and response packets back, a write is data out and an acknowledgement back. Plain C++, no
// SystemC. The NoC-trace replay (sim/noc_trace) runs it; the chip's DMA reader does not use it yet
// (docs/validation.md, "Full-chip runs").
#include <cstdint>

namespace tessera {

struct DataMovementEngineConfig {
  // RISC-V cycles from one noc_async_* call to the next when nothing stalls it.
  uint32_t riscv_issue_cycles = 124;
  // RISC-V cycles per element a kernel writes to L1 in a loop of its own (a store, the index update and
  // the loop branch on a single-issue in-order core): tt-metal's matmul reader zeroing a tile's padding.
  uint32_t riscv_store_cycles = 3;
  // RISC-V cycles per read of one packet from the core's own L1 once its NoC state is set (tt-metal's
  // noc_async_read_one_packet_with_state in a loop): the poll of the command buffer, two address writes and
  // the command, the issued-reads count, the loop's index arithmetic and branch, about 13 instructions on a
  // single-issue in-order core. Counted from the kernel's loop, not measured.
  uint32_t riscv_local_read_cycles = 13;
  // Read requests one NIU (one core on one NoC) keeps outstanding; a further read stalls its RISC-V.
  uint32_t niu_read_credits = 64;
  // Payload bytes of a read request, a write acknowledgement and an atomic (header flits only when 0).
  uint32_t request_bytes = 0;
  // Read data returns in packets of at most this many bytes.
  uint32_t response_packet_bytes = 8192;
  // Cycles from a read request's arrival at a core to its first response data. It overlaps the answers to
  // the requests queued ahead of it, so a core kept busy pays it once per busy spell (docs/validation.md).
  uint32_t l1_read_latency_cycles = 8;
  // Rate at which one NIU reads its core's L1 to answer read requests, bytes per cycle; requests queue
  // behind each other at the target. A link-rate figure (32 on Wormhole) makes it a no-op.
  double niu_response_bytes_per_cycle = 32;
};

// The read credits of one NIU: a RISC-V's read waits while its NIU has niu_read_credits outstanding.
class NiuIssueModel {
 public:
  explicit NiuIssueModel(const DataMovementEngineConfig& config) : credits_(config.niu_read_credits) {}

  bool read_credit_available() const { return outstanding_reads_ < credits_; }
  void read_issued() { ++outstanding_reads_; }
  void read_landed() {
    if (outstanding_reads_ > 0) --outstanding_reads_;
  }
  uint32_t outstanding_reads() const { return outstanding_reads_; }

 private:
  uint32_t credits_;
  uint32_t outstanding_reads_ = 0;
};

}  // namespace tessera
