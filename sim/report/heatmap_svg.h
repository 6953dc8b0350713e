#pragma once
// SVG heatmaps on the chip grid: one cell per grid position, coloured by a value (core utilisation, energy,
// link utilisation). Positions that hold no compute core are grey (DRAM channels marked "D"). Each cell has
// a tooltip with its exact value. The SVGs stand alone and are also inlined in report.html.
#include <string>
#include <vector>

#include "sim/config/arch_config.h"
#include "sim/program/plan.h"
#include "sim/report/run_digest.h"

namespace tessera {

struct HeatCell {
  int x = 0, y = 0;
  double value = 0;
};

// `values` are drawn on a scale from `min_value` to `max_value` (the largest value when max_value <= 0).
std::string grid_heatmap_svg(const ArchConfig& config, const std::string& title, const std::string& unit,
                             const std::vector<HeatCell>& values, double max_value, double min_value = 0);

struct NamedSvg {
  std::string file;   // e.g. "heatmap_core_utilization.svg"
  std::string title;
  std::string svg;
};

// The report's heatmaps: core utilisation (math engine), energy per core, and the NoC link utilisation of
// the links leaving each router, one map per direction (east, west, south, north; the busier network's
// link where two NoCs run the same way).
std::vector<NamedSvg> report_heatmaps(const ArchConfig& config, const nlohmann::json& report, const RunDigest& digest);

}  // namespace tessera
