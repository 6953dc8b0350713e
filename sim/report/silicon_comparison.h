#pragma once
// Side by side with silicon: when a trace carries measured device durations (ops' metadata.measured_ns,
// from an imported tt-metal profile), each op's simulated cycles against its measured ones, the errors
// per op type weighted by measured time, and the worst ops. docs/report.md defines every figure.
#include <string>

#include <nlohmann/json.hpp>

#include "sim/workload/graph.h"

namespace tessera {

// Adds `measured_cycles` to the report's ops that have a measurement and returns the comparison
// (report.json `silicon`), or null when no op has one.
nlohmann::json compare_with_silicon(const Graph& graph, nlohmann::json& report_ops, double clock_ghz);

// measured_vs_simulated.csv: one row per measured op.
std::string measured_vs_simulated_csv(const nlohmann::json& report);

// A log-log scatter of simulated against measured cycles per op, coloured by op type (report.html).
std::string silicon_scatter_svg(const nlohmann::json& report);

}  // namespace tessera
