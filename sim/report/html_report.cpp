#include "sim/report/html_report.h"

#include <algorithm>
#include <cstdio>

#include "noc/grid.h"
#include "sim/report/silicon_comparison.h"
#include "sim/report/xml_escape.h"

namespace tessera {
namespace {

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string grouped(uint64_t v) {
  std::string s = std::to_string(v), out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i && (s.size() - i) % 3 == 0) out += ',';
    out += s[i];
  }
  return out;
}

std::string row(const std::vector<std::string>& cells, bool header = false) {
  std::string s = "<tr>";
  for (const std::string& c : cells) s += header ? "<th>" + c + "</th>" : "<td>" + c + "</td>";
  return s + "</tr>\n";
}

const char* kStyle = R"(
body { font-family: sans-serif; margin: 24px; color: #222; max-width: 1400px; }
h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 28px; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; font-size: 13px; }
th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: right; }
th { background: #f0f0f0; cursor: pointer; } td:first-child, th:first-child { text-align: left; }
.summary td:first-child { font-weight: bold; } .summary td { text-align: left; }
.maps { display: flex; flex-wrap: wrap; gap: 16px; }
.bar { display: inline-block; height: 10px; background: #f46d43; }
#script-status { color: #888; font-size: 11px; }
)";

// Sorts a table by a clicked column; also marks the page as scripted, which the browser test checks.
const char* kScript = R"(
document.querySelectorAll('table.sortable th').forEach(function (th, col) {
  th.addEventListener('click', function () {
    var table = th.closest('table'), body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var dir = th.dataset.dir === 'asc' ? -1 : 1; th.dataset.dir = dir > 0 ? 'asc' : 'desc';
    rows.sort(function (a, b) {
      var x = a.cells[col].dataset.v || a.cells[col].textContent, y = b.cells[col].dataset.v || b.cells[col].textContent;
      var nx = parseFloat(x.replace(/,/g, '')), ny = parseFloat(y.replace(/,/g, ''));
      if (!isNaN(nx) && !isNaN(ny)) return dir * (nx - ny);
      return dir * x.localeCompare(y);
    });
    rows.forEach(function (r) { body.appendChild(r); });
  });
});
document.getElementById('script-status').textContent = 'interactive: click a column header to sort';
document.body.setAttribute('data-report-ready', 'yes');
)";

}  // namespace

std::string html_report(const nlohmann::json& r, const RunDigest& d, const std::vector<NamedSvg>& heatmaps) {
  const nlohmann::json& e = r["energy"];
  const std::string title = "Tessera report: " + r["workload"].get<std::string>() + " on " + r["chip"].get<std::string>();
  std::string s = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + xml_escape(title) +
                  "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n<h1>" + xml_escape(title) + "</h1>\n";
  s += "<div id=\"script-status\">static page</div>\n<h2>Summary</h2>\n<table class=\"summary\">\n";
  s += row({"chip", xml_escape(r["chip"].get<std::string>()) + ", " + std::to_string(r["compute_cores"].get<int>()) +
                        " compute cores at " + fmt("%.2f", r["clock_ghz"].get<double>()) + " GHz"});
  s += row({"workload", xml_escape(r["workload"].get<std::string>()) + ", " + std::to_string(r["ops"].size()) + " ops, " +
                            grouped(r["macs"].get<uint64_t>()) + " MACs"});
  s += row({"cycles", grouped(r["total_cycles"].get<uint64_t>()) + " (" + fmt("%.4f", r["seconds"].get<double>() * 1e3) + " ms simulated)"});
  s += row({"throughput", fmt("%.2f", r["achieved_tflops"].get<double>()) + " TFLOPS achieved of " +
                              fmt("%.2f", r["peak_tflops"].get<double>()) + " peak (" + r["peak_fidelity"].get<std::string>() +
                              "), " + fmt("%.1f", 100 * r["utilization"].get<double>()) + "% utilisation"});
  s += row({"energy", fmt("%.4g", e["total_pj"].get<double>() * 1e-9) + " mJ (estimate, docs/energy.md)"});
  s += row({"average power", fmt("%.2f", e["average_power_w"].get<double>()) + " W"});
  s += row({"efficiency", fmt("%.3f", e["tops_per_watt"].get<double>()) + " TOPS/W"});
  s += row({"SRAM", "peak " + fmt("%.1f", r["sram_peak_bytes"].get<double>() / 1024) + " KiB of " +
                        fmt("%.1f", r["sram_capacity_bytes"].get<double>() / 1024) + " KiB per core"});
  s += "</table>\n";

  s += "<h2>Energy by component</h2>\n<table class=\"sortable\"><thead>" + row({"component", "energy (uJ)", "share", ""}, true) + "</thead><tbody>\n";
  const double total = std::max(e["total_pj"].get<double>(), 1e-30);
  for (const auto& [name, pj] : e["by_component_pj"].items()) {
    const double share = pj.get<double>() / total;
    s += row({xml_escape(name), fmt("%.4g", pj.get<double>() * 1e-6), fmt("%.1f%%", 100 * share),
              "<span class=\"bar\" style=\"width:" + fmt("%.0f", 200 * share) + "px\"></span>"});
  }
  s += "</tbody></table>\n";

  if (r.contains("silicon")) {
    // Where model and chip disagree, at a glance: points off the diagonal.
    const nlohmann::json& m = r["silicon"];
    s += "<h2>Simulated against measured (silicon)</h2>\n<p>device time: " + grouped(m["measured_cycles"].get<uint64_t>()) +
         " cycles measured, " + grouped(m["simulated_cycles"].get<uint64_t>()) + " simulated (" +
         fmt("%+.1f%%", 100 * m["error"].get<double>()) + "); per-op error weighted by measured time " +
         fmt("%.1f%%", 100 * m["weighted_abs_error"].get<double>()) + "</p>\n<figure>" + silicon_scatter_svg(r) + "</figure>\n";
    s += "<table class=\"sortable\"><thead>" + row({"op type", "ops", "measured", "simulated", "error", "weighted |error|"}, true) +
         "</thead><tbody>\n";
    for (const auto& [type, t] : m["by_type"].items())
      s += row({xml_escape(type), std::to_string(t["ops"].get<int>()), grouped(t["measured_cycles"].get<uint64_t>()),
                grouped(t["simulated_cycles"].get<uint64_t>()), fmt("%+.1f%%", 100 * t["error"].get<double>()),
                fmt("%.1f%%", 100 * t["weighted_abs_error"].get<double>())});
    s += "</tbody></table>\n";
  }

  s += "<h2>Heatmaps</h2>\n<div class=\"maps\">\n";
  for (const NamedSvg& h : heatmaps) s += "<figure>" + h.svg + "</figure>\n";
  s += "</div>\n";

  s += "<h2>Ops</h2>\n<table class=\"sortable\"><thead>" +
       row({"op", "type", "MACs", "start", "cycles", "share", "cores", "util", "energy (uJ)", "note"}, true) + "</thead><tbody>\n";
  for (const auto& op : r["ops"]) {
    const bool has_macs = op["macs"].get<int64_t>() > 0;
    s += row({xml_escape(op["name"].get<std::string>()), xml_escape(op["type"].get<std::string>()), grouped(op["macs"].get<uint64_t>()),
              grouped(op["start_cycle"].get<uint64_t>()), grouped(op["cycles"].get<uint64_t>()),
              fmt("%.1f%%", 100 * op["share"].get<double>()), std::to_string(op["cores"].get<int>()),
              has_macs ? fmt("%.1f%%", 100 * op["utilization"].get<double>()) : "-",
              fmt("%.4g", op.value("energy_pj", 0.0) * 1e-6), xml_escape(op.value("note", std::string()))});
  }
  s += "</tbody></table>\n";

  s += "<h2>Cores</h2>\n<table class=\"sortable\"><thead>";
  std::vector<std::string> head = {"core"};
  for (Engine en : kCoreEngines) head.push_back(std::string(to_string(en)) + " busy");
  head.push_back("energy (uJ)");
  head.push_back("SRAM peak (KiB)");
  s += row(head, true) + "</thead><tbody>\n";
  const double cycles = double(std::max<uint64_t>(d.total_cycles, 1));
  for (size_t c = 0; c < r["cores"].size(); ++c) {
    const auto& core = r["cores"][c];
    std::vector<std::string> cells = {"(" + std::to_string(core["x"].get<int>()) + "," + std::to_string(core["y"].get<int>()) + ")"};
    for (size_t en = 0; en < kCoreEngines.size(); ++en) cells.push_back(fmt("%.1f%%", 100 * double(d.engine_busy[c][en]) / cycles));
    cells.push_back(fmt("%.4g", core.value("energy_pj", 0.0) * 1e-6));
    cells.push_back(fmt("%.1f", core["sram_peak_bytes"].get<double>() / 1024));
    s += row(cells);
  }
  s += "</tbody></table>\n";

  std::vector<LinkUsage> busiest = d.links;
  std::stable_sort(busiest.begin(), busiest.end(), [](const LinkUsage& a, const LinkUsage& b) { return a.busy_cycles > b.busy_cycles; });
  if (busiest.size() > 20) busiest.resize(20);
  s += "<h2>Busiest NoC links</h2>\n<table class=\"sortable\"><thead>" +
       row({"link", "network", "flits", "busy cycles", "utilisation"}, true) + "</thead><tbody>\n";
  for (const LinkUsage& l : busiest)
    s += row({"(" + std::to_string(l.x) + "," + std::to_string(l.y) + ") " + noc::direction_name(l.direction) + " to (" +
                  std::to_string(l.to_x) + "," + std::to_string(l.to_y) + ")",
              network_label(l.network, d.networks), grouped(l.flits), grouped(l.busy_cycles), fmt("%.1f%%", 100 * l.utilization)});
  s += "</tbody></table>\n<p>Every file of this report is described in docs/report.md.</p>\n";
  s += "<script>" + std::string(kScript) + "</script>\n</body>\n</html>\n";
  return s;
}

}  // namespace tessera
