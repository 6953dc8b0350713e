#define SC_INCLUDE_DYNAMIC_PROCESSES
#include "tests/engines/fake_chip.h"

#include <cmath>

#include "sim/config/config_loader.h"

namespace tessera::test {

ArchConfig engine_test_config() {
  return load_arch_config(TESSERA_SOURCE_DIR "/configs/toy_4x4.json",
                          {"dram.channel_bandwidth_gbps=24", "dram.read_latency_cycles=100",
                           "dram.write_latency_cycles=50", "chip.clock_ghz=1"});
}

FakeChip::FakeChip(const ArchConfig& config, const std::vector<std::vector<BufferSpec>>& buffers, uint64_t hop_cycles)
    : dram(config), hop_cycles_(hop_cycles) {
  for (const auto& specs : buffers) {
    events_.push_back(std::make_unique<sc_core::sc_event>());
    buffers_.emplace_back();
    for (const BufferSpec& s : specs)
      buffers_.back().push_back(std::make_unique<TileBuffer>(s.name, s.capacity_tiles, *events_.back()));
  }
}

void FakeChip::send(int src_node, const std::vector<int>& dst_cores, uint64_t bytes, std::function<void()> on_delivered) {
  sent.push_back({now_cycle(), src_node, dst_cores, bytes});
  const sc_core::sc_time delay = cycles(hop_cycles_);
  sc_core::sc_spawn([delay, on_delivered] {
    sc_core::wait(delay);
    on_delivered();
  });
}

uint64_t FakeChip::dram_read(int channel, uint64_t bytes, int) { return dram.read(channel, bytes, now_cycle()); }
uint64_t FakeChip::dram_write(int channel, uint64_t bytes, int) { return dram.write(channel, bytes, now_cycle()); }

uint64_t FakeChip::now_cycle() const {
  return uint64_t(std::llround(sc_core::sc_time_stamp().to_seconds() * 1e9));
}

uint64_t FakeChip::cycle_reached(int core, int index, uint64_t tiles) const {
  return uint64_t(std::llround(buffers_[core][index]->time_reached(tiles).to_seconds() * 1e9));
}

}  // namespace tessera::test
