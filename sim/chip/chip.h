#pragma once
// The chip's SystemC top level: builds one module per core's compute pipeline, per packet manager DMA
// engine, the NoC and the DRAM channels from the config, loads the Plan's programs and runs them.
#include <memory>
#include <vector>

#include <systemc>

#include "core/compute_pipeline.h"
#include "noc/noc_module.h"
#include "packet_manager/dma_reader.h"
#include "packet_manager/dma_writer.h"
#include "packet_manager/inbound_port.h"
#include "packet_manager/reshape_engine.h"
#include "sim/program/chip_services.h"
#include "sim/chip/dispatcher.h"
#include "sim/chip/dram_channels.h"
#include "sim/chip/landing_queue.h"
#include "sim/chip/run_invariants.h"
#include "sim/config/arch_config.h"
#include "sim/program/plan.h"
#include "sim/base/stats_registry.h"

namespace tessera {

struct RunResult {
  uint64_t total_cycles = 0;
  std::vector<Activity> activities;   // every busy span, in the order engines finished them
  StatsRegistry stats;                // every component's counters and per-window series (docs/report.md)
  ChipMeasurements measured;          // SRAM residency and tiles produced, measured at the chip (tests)
};

class Chip : public ChipServices {
 public:
  Chip(const ArchConfig& config, const Plan& plan);
  ~Chip() override;

  // Runs the programs to completion. Throws std::runtime_error naming the stuck engines when some program
  // can never finish (a plan error).
  RunResult run();
  // What run() does after the simulation: checks and collects this chip's results. For several chips
  // elaborated together (one per system device) and run by one sc_start().
  RunResult finish();

  // ChipServices
  TileBuffer& buffer(int core, int index) override { return *buffers_[core][index]; }
  void send(int src_node, const std::vector<int>& dst_cores, uint64_t bytes,
            std::function<void()> on_delivered) override;
  int core_node(int core) const override { return config_.node_id(plan_.cores[core].pos); }
  int dram_node(int channel) const override { return config_.node_id(config_.dram.positions[channel]); }
  uint64_t dram_read(int channel, uint64_t bytes, int op) override;
  uint64_t dram_write(int channel, uint64_t bytes, int op) override;
  uint64_t now_cycle() const override;
  sc_core::sc_time cycles(uint64_t n) const override { return period_ * static_cast<double>(n); }
  void record(const Activity& a) override;

 private:
  void check_finished() const;

  const ArchConfig& config_;
  const Plan& plan_;
  sc_core::sc_time period_;
  std::unique_ptr<noc::NocModule> noc_;
  DramChannels dram_;
  std::vector<std::vector<std::unique_ptr<TileBuffer>>> buffers_;
  std::vector<std::unique_ptr<sc_core::sc_event>> buffer_events_;  // one per core, shared by its buffers
  std::vector<std::unique_ptr<ReshapeEngine>> reshapers_;  // empty when the chip has no reshape engine
  std::vector<std::unique_ptr<ComputePipeline>> compute_;
  std::vector<InboundPort> inbound_;  // per core: where arriving packets are written into SRAM
  std::unique_ptr<LandingQueue> landings_;
  std::vector<std::unique_ptr<DmaReader>> readers_;
  std::vector<std::unique_ptr<DmaWriter>> writers_;
  std::unique_ptr<Dispatcher> dispatcher_;  // op-by-op schedule only
  std::unique_ptr<RunInvariants> invariants_;
  std::vector<Activity> activities_;
  uint64_t next_message_id_ = 1;
  uint64_t last_landed_ = 0;  // cycle the last NoC message landed in its destinations' SRAM
};

}  // namespace tessera
