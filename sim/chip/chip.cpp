#include "sim/chip/chip.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "sim/chip/engine_load.h"

namespace tessera {

const char* to_string(Engine e) {
  switch (e) {
    case Engine::reader: return "dma_in";
    case Engine::reshape: return "reshape";
    case Engine::unpack: return "unpack";
    case Engine::math: return "math";
    case Engine::pack: return "pack";
    case Engine::writer: return "dma_out";
    case Engine::dram: return "dram";
    case Engine::compress: return "compress";
  }
  return "?";
}

Chip::Chip(const ArchConfig& config, const Plan& plan)
    : config_(config), plan_(plan), period_(1.0 / config.chip.clock_ghz, sc_core::SC_NS), dram_(config) {
  noc_ = std::make_unique<noc::NocModule>("noc", noc::make_noc_model(config.noc), period_);
  landings_ = std::make_unique<LandingQueue>("landings", period_);
  const uint64_t inbound_rate = std::min(config.packet_manager.dma_write_bytes_per_cycle, config.core.sram_write_bytes_per_cycle);
  for (size_t c = 0; c < plan.cores.size(); ++c) {
    const CoreProgram& program = plan.cores[c];
    buffers_.emplace_back();
    buffer_events_.push_back(std::make_unique<sc_core::sc_event>());
    for (const BufferSpec& spec : program.buffers)
      buffers_.back().push_back(std::make_unique<TileBuffer>(spec.name, spec.capacity_tiles, *buffer_events_.back()));
    const std::string name = "core_" + std::to_string(program.pos.x) + "_" + std::to_string(program.pos.y);
    GatherPort* gathers = nullptr;
    if (config.packet_manager.reshape_engine) {
      reshapers_.push_back(std::make_unique<ReshapeEngine>((name + "_reshape").c_str(), int(c), config.packet_manager, *this));
      gathers = reshapers_.back().get();
    }
    compute_.push_back(std::make_unique<ComputePipeline>((name + "_compute").c_str(), int(c), program, *this,
                                                         config.core, gathers));
    inbound_.emplace_back(inbound_rate, config.noc.link_bytes_per_cycle);
    const PagedReads paged{config.packet_manager.engine.riscv_issue_cycles, config.packet_manager.engine.niu_read_credits,
                           int(config.dram.positions.size()), config.packet_manager.engine.riscv_store_cycles,
                           config.packet_manager.engine.response_packet_bytes};
    readers_.push_back(std::make_unique<DmaReader>((name + "_dma_in").c_str(), int(c), program, *this,
                                                   uint64_t(config.noc.max_packet_bytes), 4, paged));
    writers_.push_back(std::make_unique<DmaWriter>((name + "_dma_out").c_str(), int(c), program, *this,
                                                   config.packet_manager, config.core.sram_read_bytes_per_cycle,
                                                   uint64_t(config.noc.max_packet_bytes), config.noc.link_bytes_per_cycle,
                                                   int(config.dram.positions.size())));
  }
  if (!plan.launches.empty()) dispatcher_ = std::make_unique<Dispatcher>("dispatcher", plan, config.dispatch, *this);
  invariants_ = std::make_unique<RunInvariants>(plan, *this, compute_);
}

void Chip::record(const Activity& a) {
  activities_.push_back(a);
  if (a.engine == Engine::writer) invariants_->on_send_done(a.unit);  // the writer records once per finished send
}

Chip::~Chip() = default;

uint64_t Chip::now_cycle() const {
  return static_cast<uint64_t>(std::llround(sc_core::sc_time_stamp() / period_));
}

void Chip::send(int src_node, const std::vector<int>& dst_cores, uint64_t bytes,
                std::function<void()> on_delivered) {
  noc::Message m;
  m.id = next_message_id_++;
  m.src = src_node;
  m.bytes = std::max<uint64_t>(bytes, 1);
  for (int d : dst_cores) m.dsts.push_back(d >= 0 ? core_node(d) : dram_node(-1 - d));
  // Data that stays on its own router (a core multicasting to itself) needs no network.
  m.dsts.erase(std::remove(m.dsts.begin(), m.dsts.end(), src_node), m.dsts.end());
  if (m.dsts.empty()) {
    on_delivered();
    return;
  }
  // The data is there once every destination core's inbound port has written it into SRAM.
  noc_->send(m, [this, dst_cores, bytes, src_node, done = std::move(on_delivered)]() mutable {
    const uint64_t now = now_cycle();
    uint64_t landed = now;
    for (int d : dst_cores)
      if (d >= 0 && core_node(d) != src_node) landed = std::max(landed, inbound_[size_t(d)].land(now, bytes));
    // A message nobody waits for (the last forward of a chain) still ends the run no earlier than it lands.
    last_landed_ = std::max(last_landed_, landed);
    if (landed == now) done();
    else landings_->at(landed, std::move(done));
  });
}

uint64_t Chip::dram_read(int channel, uint64_t bytes, int op) {
  const uint64_t ready = dram_.read(channel, bytes, now_cycle());
  const uint64_t duration = static_cast<uint64_t>(std::ceil(bytes / config_.dram_bytes_per_cycle()));
  record({channel, Engine::dram, op, ready - duration, ready});
  return ready;
}

uint64_t Chip::dram_write(int channel, uint64_t bytes, int op) {
  const uint64_t done = dram_.write(channel, bytes, now_cycle());
  const uint64_t duration = static_cast<uint64_t>(std::ceil(bytes / config_.dram_bytes_per_cycle()));
  record({channel, Engine::dram, op, done - duration, done});
  return done;
}

void Chip::check_finished() const {
  std::string stuck;
  for (size_t c = 0; c < plan_.cores.size() && stuck.size() < 2000; ++c) {
    const CoreProgram& p = plan_.cores[c];
    const std::string core = "core (" + std::to_string(p.pos.x) + "," + std::to_string(p.pos.y) + ")";
    if (compute_[c]->blocks_done() < p.compute.size())
      stuck += " " + core + " compute block " + std::to_string(compute_[c]->blocks_done()) + " of op " +
               plan_.ops[p.compute[compute_[c]->blocks_done()].op].name + ";";
    if (readers_[c]->reads_done() < p.reader.size())
      stuck += " " + core + " dma_in " + std::to_string(readers_[c]->reads_done()) + "/" + std::to_string(p.reader.size()) + ";";
    if (writers_[c]->sends_done() < p.writer.size())
      stuck += " " + core + " dma_out send " + std::to_string(writers_[c]->sends_done()) + " of op " +
               plan_.ops[p.writer[writers_[c]->sends_done()].op].name + ";";
  }
  if (dispatcher_ && dispatcher_->launched() < plan_.launches.size())
    stuck += " dispatcher: program " + std::to_string(dispatcher_->launched() + 1) + " of " +
             std::to_string(plan_.launches.size()) + " (op " + plan_.ops[plan_.launches[dispatcher_->launched()].op].name + ");";
  if (!stuck.empty()) throw std::runtime_error("the plan cannot finish, engines are waiting forever:" + stuck);
}

RunResult Chip::run() {
  sc_core::sc_start();
  return finish();
}

RunResult Chip::finish() {
  check_finished();
  RunResult r;
  for (const Activity& a : activities_) r.total_cycles = std::max(r.total_cycles, a.end);
  r.total_cycles = std::max(r.total_cycles, std::max(dram_.last_cycle(), last_landed_));
  // One window for every series of the run (docs/report.md).
  const uint64_t window = stat_window_cycles(r.total_cycles);
  r.stats.set_windows(window, size_t(std::max<uint64_t>(1, (r.total_cycles + window - 1) / window)));
  r.stats.set("chip.total_cycles", double(r.total_cycles), "cycles", "cycle the last engine, DRAM channel or NoC delivery finished");
  r.stats.set("chip.window_cycles", double(window), "cycles", "length of one window of the per-window series");
  noc_->model().report_stats(r.stats, "noc.");
  dram_.report_stats(r.stats);
  record_engine_load(activities_, plan_, config_.dram.positions.size(), r.stats);
  r.measured = invariants_->measurements();
  r.activities = std::move(activities_);
  return r;
}

}  // namespace tessera
