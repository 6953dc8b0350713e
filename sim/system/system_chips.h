#pragma once
// Several chip models in one SystemC simulation: one per (device, stage) of a multi-chip run. Each chip
// is the single-chip model of `tessera run` (sim/chip/chip.h) inside its own parent module, so their
// blocks' names do not collide; one sc_start() runs them all, each from cycle 0 and independent of the
// others (nothing on one chip waits for another: what chips exchange is composed afterwards,
// system_run.h). SystemC elaborates once per process, so every chip of a run is built before any runs.
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/chip/chip.h"
#include "sim/config/arch_config.h"
#include "sim/program/plan.h"
#include "sim/workload/graph.h"

namespace tessera::system {

struct ChipJob {
  std::string name;            // module name, e.g. "device3_stage1"
  const ArchConfig* config = nullptr;
  Graph graph;
};

struct ChipJobResult {
  Plan plan;
  RunResult run;
  nlohmann::json report;       // build_report of this chip's run (docs/report.md)
};

class ChipSet {
 public:
  // Maps every job's graph (mapper errors surface here, before anything is elaborated) and builds its chip.
  explicit ChipSet(std::vector<ChipJob> jobs);
  ~ChipSet();
  // Runs every chip to completion and returns their results in job order.
  std::vector<ChipJobResult> run();
  size_t compute_cores() const;  // summed over the chips, for the thread-stack check

 private:
  class ChipModule;
  std::vector<ChipJob> jobs_;
  std::vector<Plan> plans_;
  std::vector<std::unique_ptr<ChipModule>> modules_;
};

}  // namespace tessera::system
