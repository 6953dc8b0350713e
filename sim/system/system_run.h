#pragma once
// A multi-chip run (tessera run --system): the stages of a split trace (parallel_split.h) on the chips and
// the collectives between them on the Ethernet fabric, composed on one timeline in dependency order.
//
// The composition is bulk-synchronous: stage k starts on every chip when the collectives after stage k-1
// have finished; those start when the slowest chip has finished stage k-1 and run one after another,
// each simulated as data movement on the whole system (collective_sim.h: every chip's NoC model and the
// timed Ethernet links). Each chip's stage is the single-chip model of `tessera run` (its SystemC chip,
// mapper.schedule as configured), its inputs in its DRAM at the start and its outputs written back to
// DRAM. Not modelled: a chip computing while a collective runs (no overlap of compute and communication),
// the CCL reading and writing those DRAM tensors, and the host sending inputs or receiving outputs.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/system/collective_sim.h"
#include "sim/system/parallel_split.h"
#include "sim/system/system_config.h"

namespace tessera::system {

struct ChipStageRun {
  uint64_t cycles = 0;          // one run of the stage; 0: the chip had no work in it
  std::vector<uint64_t> starts; // when each run started (one per micro-batch in pipeline mode, else one)
  uint64_t macs = 0;
  double energy_pj = 0;
  double utilization = 0;       // its achieved / peak TFLOPS over its own cycles (report.json's)
  nlohmann::json report;        // the chip's report.json for this stage (null when idle)
};

struct CollectiveSpan {
  StageCollective what;
  uint64_t start_cycle = 0, cycles = 0;
  uint64_t packets = 0, payload_bytes = 0;
  std::vector<LinkDirectionUse> links;  // the link directions it used (one run)
  std::vector<uint64_t> starts;         // every run's start (pipeline: one per micro-batch)
};

struct StagePeriod {
  uint64_t start_cycle = 0, end_cycle = 0;   // from the first chip's start to the slowest chip's end
  std::vector<ChipStageRun> chips;           // by device id
  std::vector<CollectiveSpan> collectives;
};

struct SystemRun {
  uint64_t total_cycles = 0;
  // Bulk-synchronous modes: the slowest chip of each stage and the collectives, summed (they add up to the
  // total). Pipeline: the busiest chip's busy cycles, and every send's cycles (both overlap the others).
  uint64_t compute_cycles = 0;
  uint64_t collective_cycles = 0;
  double clock_ghz = 1;
  std::vector<StagePeriod> stages;
  std::vector<LinkDirectionUse> links;  // summed over every collective, by link then direction
};

// Maps and simulates every chip's stages in one SystemC simulation, then the collectives. InputError
// when a collective cannot run on the system. `check_threads` is called after the chips are built
// and before they run (the thread-stack check of the command line).
SystemRun run_system(const SystemConfig& s, const SystemWorkload& w, const std::function<void(size_t cores)>& check_threads);

// report.json of a multi-chip run (docs/systems.md) and its summary for the terminal.
nlohmann::json system_report(const SystemConfig& s, const SystemWorkload& w, const SystemRun& run, const Graph& graph);
std::string format_system_summary(const nlohmann::json& report);

// timeline.json (Perfetto): one process per chip with its stages and its ops, one for the Ethernet links
// with the collectives on each link direction they used. Times in microseconds.
std::string system_timeline_json(const SystemConfig& s, const SystemRun& run);
// report.html: the figures, the system as a grid of chips with each link coloured by its utilisation, and
// the stage, chip and link tables.
std::string system_html(const SystemConfig& s, const nlohmann::json& report);

}  // namespace tessera::system
