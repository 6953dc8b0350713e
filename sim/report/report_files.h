#pragma once
// Writes every file of a run's report into a directory: report.json, layers.csv, cores.csv, links.csv,
// timeline.json, the heatmap SVGs and report.html (docs/report.md). All text is built before the first
// file is written, and each file is written whole or not at all.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/chip/chip.h"
#include "sim/config/arch_config.h"
#include "sim/program/plan.h"

namespace tessera {

// Returns the names of the files written.
std::vector<std::string> write_report_files(const std::string& dir, const ArchConfig& config, const Plan& plan,
                                            const RunResult& run, const nlohmann::json& report);

}  // namespace tessera
