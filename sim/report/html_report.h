#pragma once
// report.html: one self-contained page (no server, no network, no external files): the summary, energy by
// component, the per-op table, the heatmaps as inline SVG, per-core and busiest-link tables.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/report/heatmap_svg.h"
#include "sim/report/run_digest.h"

namespace tessera {

std::string html_report(const nlohmann::json& report, const RunDigest& digest, const std::vector<NamedSvg>& heatmaps);

}  // namespace tessera
