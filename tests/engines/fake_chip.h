#pragma once
// The chip around one engine under test: real TileBuffers and DramChannels, and a NoC that delivers every
// message a fixed number of cycles after it is sent (the ideal model's twin, with the hop latency as the
// only parameter), so that an engine's timing can be derived by hand. The clock is 1 GHz (1 cycle = 1 ns).
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <systemc>

#include "sim/chip/dram_channels.h"
#include "sim/config/arch_config.h"
#include "sim/program/chip_services.h"
#include "sim/program/plan.h"

namespace tessera::test {

// toy_4x4 with a DRAM of 2 channels at 24 bytes per cycle, read latency 100 and write latency 50 cycles.
ArchConfig engine_test_config();

class FakeChip : public ChipServices {
 public:
  struct Sent {
    uint64_t cycle;
    int src;
    std::vector<int> dsts;
    uint64_t bytes;
  };

  // `buffers[c]` are the buffers of core c.
  FakeChip(const ArchConfig& config, const std::vector<std::vector<BufferSpec>>& buffers, uint64_t hop_cycles);

  TileBuffer& buffer(int core, int index) override { return *buffers_[core][index]; }
  void send(int src_node, const std::vector<int>& dst_cores, uint64_t bytes, std::function<void()> on_delivered) override;
  int core_node(int core) const override { return core; }
  int dram_node(int channel) const override { return 1000 + channel; }
  uint64_t dram_read(int channel, uint64_t bytes, int op) override;
  uint64_t dram_write(int channel, uint64_t bytes, int op) override;
  uint64_t now_cycle() const override;
  sc_core::sc_time cycles(uint64_t n) const override { return sc_core::sc_time(double(n), sc_core::SC_NS); }
  void record(const Activity& a) override { activities.push_back(a); }

  // Cycle at which buffer (core, index) first held `tiles` tiles in total.
  uint64_t cycle_reached(int core, int index, uint64_t tiles) const;

  std::vector<Sent> sent;
  std::vector<Activity> activities;
  DramChannels dram;

 private:
  uint64_t hop_cycles_;
  std::vector<std::unique_ptr<sc_core::sc_event>> events_;
  std::vector<std::vector<std::unique_ptr<TileBuffer>>> buffers_;
};

// Runs `body` as a SystemC thread: a test's own process, to push, pop and wait at chosen cycles.
class Script : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(Script);
  Script(sc_core::sc_module_name name, std::function<void()> body) : sc_module(name), body_(std::move(body)) {
    SC_THREAD(run);
  }

 private:
  void run() { body_(); }
  std::function<void()> body_;
};

inline void wait_cycles(uint64_t n) { sc_core::wait(sc_core::sc_time(double(n), sc_core::SC_NS)); }

}  // namespace tessera::test
