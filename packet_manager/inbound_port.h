#pragma once
// Where NoC packets land in a core's SRAM: the inbound DMA (the NIUs' write path) takes arriving bytes at
// packet_manager.dma_write_bytes_per_cycle, never faster than the SRAM write port allows. A packet's bytes
// arrive over the time its last link needed to carry them, so the port writes them while they arrive and
// only delays the landing when arrivals outrun it (more NoCs delivering at once than it can take).
#include <cstdint>

namespace tessera {

class InboundPort {
 public:
  InboundPort(uint64_t bytes_per_cycle, uint64_t link_bytes_per_cycle);

  // A packet of `bytes` whose tail arrived at `arrival`: the cycle its last byte is in SRAM.
  uint64_t land(uint64_t arrival, uint64_t bytes);

  uint64_t busy_cycles() const { return busy_; }
  uint64_t bytes() const { return bytes_; }

 private:
  uint64_t rate_;
  uint64_t link_rate_;
  uint64_t free_at_ = 0;
  uint64_t busy_ = 0;
  uint64_t bytes_ = 0;
};

}  // namespace tessera
