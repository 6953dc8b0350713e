#include "sim/report/heatmap_svg.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "noc/grid.h"
#include "sim/report/xml_escape.h"

namespace tessera {
namespace {

constexpr int kCell = 30, kLeft = 30, kTop = 46, kLegend = 56;

// White through yellow and orange to dark red.
std::string colour(double t) {
  t = std::clamp(t, 0.0, 1.0);
  static const double stops[4][3] = {{255, 255, 255}, {254, 224, 139}, {244, 109, 67}, {165, 0, 38}};
  const double pos = t * 3;
  const int i = std::min(2, int(pos));
  const double f = pos - i;
  char buf[16];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", int(std::lround(stops[i][0] + f * (stops[i + 1][0] - stops[i][0]))),
                int(std::lround(stops[i][1] + f * (stops[i + 1][1] - stops[i][1]))),
                int(std::lround(stops[i][2] + f * (stops[i + 1][2] - stops[i][2]))));
  return buf;
}

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

}  // namespace

std::string grid_heatmap_svg(const ArchConfig& config, const std::string& title, const std::string& unit,
                             const std::vector<HeatCell>& values, double max_value, double min_value) {
  const int w = config.chip.grid_width, h = config.chip.grid_height;
  if (max_value <= 0)
    for (const HeatCell& c : values) max_value = std::max(max_value, c.value);
  const int width = kLeft + w * kCell + 10, height = kTop + h * kCell + kLegend;
  std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"heatmap\" width=\"" + std::to_string(width) +
                  "\" height=\"" + std::to_string(height) + "\" viewBox=\"0 0 " + std::to_string(width) + " " +
                  std::to_string(height) + "\" font-family=\"sans-serif\" font-size=\"10\">\n";
  s += "<title>" + xml_escape(title) + "</title>\n";
  s += "<text x=\"" + std::to_string(kLeft) + "\" y=\"16\" font-size=\"13\" font-weight=\"bold\">" + xml_escape(title) + "</text>\n";
  s += "<text x=\"" + std::to_string(kLeft) + "\" y=\"32\" fill=\"#555\">x right, y down; grey: no compute core, D: DRAM</text>\n";
  for (int x = 0; x < w; ++x)
    s += "<text x=\"" + std::to_string(kLeft + x * kCell + kCell / 2) + "\" y=\"" + std::to_string(kTop - 3) +
         "\" text-anchor=\"middle\" fill=\"#555\">" + std::to_string(x) + "</text>\n";
  for (int y = 0; y < h; ++y)
    s += "<text x=\"" + std::to_string(kLeft - 4) + "\" y=\"" + std::to_string(kTop + y * kCell + kCell / 2 + 4) +
         "\" text-anchor=\"end\" fill=\"#555\">" + std::to_string(y) + "</text>\n";
  std::set<std::pair<int, int>> dram;
  for (const GridPos& p : config.dram.positions) dram.insert({p.x, p.y});
  std::vector<std::vector<const HeatCell*>> at(size_t(h), std::vector<const HeatCell*>(size_t(w), nullptr));
  for (const HeatCell& c : values)
    if (c.x >= 0 && c.x < w && c.y >= 0 && c.y < h) at[c.y][c.x] = &c;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const int px = kLeft + x * kCell, py = kTop + y * kCell;
      const HeatCell* c = at[y][x];
      const bool is_dram = dram.count({x, y}) != 0;
      const std::string fill = c ? colour(max_value > min_value ? (c->value - min_value) / (max_value - min_value) : 0) : (is_dram ? "#bdbdbd" : "#e6e6e6");
      const std::string tip = "(" + std::to_string(x) + "," + std::to_string(y) + ") " +
                              (c ? num(c->value) + " " + unit : is_dram ? "DRAM channel" : "no compute core");
      s += "<rect x=\"" + std::to_string(px) + "\" y=\"" + std::to_string(py) + "\" width=\"" + std::to_string(kCell - 1) +
           "\" height=\"" + std::to_string(kCell - 1) + "\" fill=\"" + fill + "\" stroke=\"#999\" stroke-width=\"0.5\"><title>" +
           xml_escape(tip) + "</title></rect>\n";
      if (is_dram && !c)
        s += "<text x=\"" + std::to_string(px + kCell / 2) + "\" y=\"" + std::to_string(py + kCell / 2 + 4) +
             "\" text-anchor=\"middle\" fill=\"#333\">D</text>\n";
    }
  // Legend: the colour scale from 0 to the maximum.
  const int ly = kTop + h * kCell + 14, lw = std::max(120, w * kCell - 20);
  for (int i = 0; i < 20; ++i)
    s += "<rect x=\"" + std::to_string(kLeft + i * lw / 20) + "\" y=\"" + std::to_string(ly) + "\" width=\"" +
         std::to_string(lw / 20 + 1) + "\" height=\"10\" fill=\"" + colour(i / 19.0) + "\"/>\n";
  s += "<text x=\"" + std::to_string(kLeft) + "\" y=\"" + std::to_string(ly + 24) + "\">" + num(min_value) + "</text>\n";
  s += "<text x=\"" + std::to_string(kLeft + lw) + "\" y=\"" + std::to_string(ly + 24) + "\" text-anchor=\"end\">" +
       num(max_value) + " " + xml_escape(unit) + "</text>\n";
  s += "</svg>\n";
  return s;
}

std::vector<NamedSvg> report_heatmaps(const ArchConfig& config, const nlohmann::json& report, const RunDigest& digest) {
  std::vector<NamedSvg> out;
  std::vector<HeatCell> util, energy;
  for (const auto& c : report["cores"]) {
    util.push_back({c["x"].get<int>(), c["y"].get<int>(), 100.0 * c["utilization"].get<double>()});
    energy.push_back({c["x"].get<int>(), c["y"].get<int>(), c.value("energy_pj", 0.0) * 1e-6});
  }
  // Static energy is the same on every core: start the energy scale at the least so differences show.
  double energy_min = energy.empty() ? 0 : energy[0].value;
  for (const HeatCell& c : energy) energy_min = std::min(energy_min, c.value);
  out.push_back({"heatmap_core_utilization.svg", "Core utilisation (math engine busy)",
                 grid_heatmap_svg(config, "Core utilisation (math engine busy)", "%", util, 100.0)});
  out.push_back({"heatmap_core_energy.svg", "Energy per core",
                 grid_heatmap_svg(config, "Energy per core", "uJ", energy, 0, energy_min)});
  // One scale for all four directions, so that the maps compare.
  double link_max = 0;
  for (const LinkUsage& l : digest.links) link_max = std::max(link_max, 100.0 * l.utilization);
  if (link_max <= 0) link_max = 1;
  for (int dir = 0; dir < noc::kNumLinkDirections; ++dir) {
    std::vector<HeatCell> links;
    for (const LinkUsage& l : digest.links) {
      if (l.direction != dir) continue;
      auto it = std::find_if(links.begin(), links.end(), [&](const HeatCell& c) { return c.x == l.x && c.y == l.y; });
      if (it == links.end()) links.push_back({l.x, l.y, 100.0 * l.utilization});
      else it->value = std::max(it->value, 100.0 * l.utilization);
    }
    const std::string name = noc::direction_name(dir);
    const std::string title = "NoC link utilisation, " + name + "ward links";
    out.push_back({"heatmap_noc_" + name + ".svg", title, grid_heatmap_svg(config, title, "%", links, link_max)});
  }
  return out;
}

}  // namespace tessera
