#pragma once
// The files of a run's report directory: report.json, layers.csv, cores.csv, links.csv, timeline.json,
// the heatmap SVGs and report.html (docs/report.md). All text is built before anything is written;
// RunOutputs (run_outputs.h) writes the set and swaps it in as a whole.
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/chip/chip.h"
#include "sim/config/arch_config.h"
#include "sim/program/plan.h"

namespace tessera {

// File names and contents, report.html last.
std::vector<std::pair<std::string, std::string>> report_files(const ArchConfig& config, const Plan& plan,
                                                              const RunResult& run, const nlohmann::json& report);

}  // namespace tessera
