#include "packet_manager/compressor.h"

#include <algorithm>

namespace tessera {

Compressor::Compressor(int core, const PacketManagerConfig& config, ChipServices& chip)
    : core_(core), bytes_per_cycle_(std::max<uint64_t>(config.compress_bytes_per_cycle, 1)), chip_(chip) {}

uint64_t Compressor::compress(int op, uint64_t raw_bytes, uint64_t ready) {
  const uint64_t cycles = (raw_bytes + bytes_per_cycle_ - 1) / bytes_per_cycle_;
  const uint64_t start = std::max(ready, free_at_);
  free_at_ = start + cycles;
  busy_ += cycles;
  if (cycles) chip_.record({core_, Engine::compress, op, start, free_at_});
  return free_at_;
}

}  // namespace tessera
