#include "sim/chip/dram_channels.h"

#include <algorithm>
#include <cmath>

#include "sim/base/stats_registry.h"

namespace tessera {

DramChannels::DramChannels(const ArchConfig& config)
    : bytes_per_cycle_(config.dram_bytes_per_cycle()),
      read_latency_(config.dram.read_latency_cycles),
      write_latency_(config.dram.write_latency_cycles) {
  const size_t n = config.dram.positions.size();
  free_at_.assign(n, 0);
  busy_.assign(n, 0);
  read_bytes_.assign(n, 0);
  written_bytes_.assign(n, 0);
}

uint64_t DramChannels::book(int channel, uint64_t bytes, uint64_t start) {
  const uint64_t duration = static_cast<uint64_t>(std::ceil(bytes / bytes_per_cycle_));
  const uint64_t begin = std::max(start, free_at_[channel]);
  free_at_[channel] = begin + duration;
  busy_[channel] += duration;
  return free_at_[channel];
}

uint64_t DramChannels::read(int channel, uint64_t bytes, uint64_t now) {
  read_bytes_[channel] += bytes;
  return book(channel, bytes, now + read_latency_);
}

uint64_t DramChannels::write(int channel, uint64_t bytes, uint64_t now) {
  written_bytes_[channel] += bytes;
  return book(channel, bytes, now + write_latency_);
}

uint64_t DramChannels::last_cycle() const {
  return free_at_.empty() ? 0 : *std::max_element(free_at_.begin(), free_at_.end());
}

void DramChannels::report_stats(StatsRegistry& stats) const {
  for (size_t c = 0; c < free_at_.size(); ++c) {
    const std::string p = "dram." + std::to_string(c) + ".";
    stats.set(p + "bytes_read", double(read_bytes_[c]), "bytes", "bytes read from the channel");
    stats.set(p + "bytes_written", double(written_bytes_[c]), "bytes", "bytes written to the channel");
    stats.set(p + "busy_cycles", double(busy_[c]), "cycles", "cycles the channel transferred data");
  }
}

}  // namespace tessera
