#include "sim/report/energy_summary.h"

#include <algorithm>
#include <cstdio>
#include <utility>
#include <vector>

#include "sim/report/power_json.h"

namespace tessera {

std::string format_energy_summary(const nlohmann::json& r) {
  if (!r.contains("energy")) return "";
  const nlohmann::json& e = r["energy"];
  const double total = e["total_pj"].get<double>();
  char line[256];
  std::snprintf(line, sizeof line, "\nenergy     %.4g mJ, %.2f W average, %.3f TOPS/W (estimates: docs/energy.md)\n",
                total * 1e-9, e["average_power_w"].get<double>(), e["tops_per_watt"].get<double>());
  std::string s = line;
  // The three largest components, so the reader sees where the energy went.
  std::vector<std::pair<double, std::string>> parts;
  for (const auto& [name, pj] : e["by_component_pj"].items()) parts.push_back({pj.get<double>(), name});
  std::sort(parts.rbegin(), parts.rend());
  std::string top;
  for (size_t i = 0; i < std::min<size_t>(3, parts.size()) && total > 0; ++i) {
    std::snprintf(line, sizeof line, "%s%s %.0f%%", i ? ", " : "", parts[i].second.c_str(), 100 * parts[i].first / total);
    top += line;
  }
  if (!top.empty()) s += "           largest: " + top + "\n";
  return s + format_power_summary(r);
}

}  // namespace tessera
