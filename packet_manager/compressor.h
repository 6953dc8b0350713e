#pragma once
// The packet manager's compressor: zero-run-length encodes outgoing tiles at its own rate while the
// outbound DMA reads SRAM and the NoC carries earlier packets (the three stream together, so a send takes
// as long as the slowest of them). Sizes are in packet_manager/compression.h.
#include <cstdint>

#include "packet_manager/packet_manager_config.h"
#include "sim/program/chip_services.h"

namespace tessera {

class Compressor {
 public:
  Compressor(int core, const PacketManagerConfig& config, ChipServices& chip);

  // Compresses `raw_bytes` of op `op`, starting no earlier than `ready`; returns the cycle it is done.
  uint64_t compress(int op, uint64_t raw_bytes, uint64_t ready);

  uint64_t busy_cycles() const { return busy_; }

 private:
  int core_;
  uint64_t bytes_per_cycle_;
  ChipServices& chip_;
  uint64_t free_at_ = 0;
  uint64_t busy_ = 0;
};

}  // namespace tessera
