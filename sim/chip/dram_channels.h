#pragma once
// DRAM channels at their first fidelity: each channel serves requests in the order they are booked at its
// bandwidth, after a fixed access latency. The reservation is exact for a FIFO channel and costs nothing
// per cycle.
#include <cstdint>
#include <vector>

#include "sim/config/arch_config.h"

namespace tessera {

class StatsRegistry;

class DramChannels {
 public:
  explicit DramChannels(const ArchConfig& config);

  // Books a read of `bytes` issued at `now`; returns the cycle its last byte leaves the channel.
  uint64_t read(int channel, uint64_t bytes, uint64_t now);
  uint64_t write(int channel, uint64_t bytes, uint64_t now);

  int count() const { return static_cast<int>(free_at_.size()); }
  uint64_t busy_cycles(int channel) const { return busy_[channel]; }
  uint64_t bytes_read(int channel) const { return read_bytes_[channel]; }
  uint64_t bytes_written(int channel) const { return written_bytes_[channel]; }
  uint64_t last_cycle() const;
  void report_stats(StatsRegistry& stats) const;

 private:
  uint64_t book(int channel, uint64_t bytes, uint64_t start);

  double bytes_per_cycle_;
  uint32_t read_latency_, write_latency_;
  std::vector<uint64_t> free_at_, busy_, read_bytes_, written_bytes_;
};

}  // namespace tessera
