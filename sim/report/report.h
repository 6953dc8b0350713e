#pragma once
// The report of one run: built once from the config, the graph, the plan and what the chip recorded.
// report.json's schema is documented in docs/report.md; it holds no wall-clock values, so identical runs
// give identical files.
#include <string>

#include <nlohmann/json.hpp>

#include "sim/chip/chip.h"
#include "sim/config/arch_config.h"
#include "sim/energy/energy_model.h"
#include "sim/program/plan.h"
#include "sim/workload/graph.h"

namespace tessera {

constexpr int kReportSchemaVersion = 2;

nlohmann::json build_report(const ArchConfig& config, const Graph& graph, const Plan& plan, const RunResult& run);

// report.json's "energy" object: totals, components, per op and per core, power and TOPS/W.
nlohmann::json energy_json(const EnergyReport& energy, const Plan& plan);

// The human summary printed on stdout: chip, workload, totals and the per-op table.
std::string format_summary(const nlohmann::json& report);

}  // namespace tessera
