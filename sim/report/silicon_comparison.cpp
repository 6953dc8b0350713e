#include "sim/report/silicon_comparison.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <vector>

#include "sim/report/csv_tables.h"
#include "sim/report/report_rounding.h"
#include "sim/report/xml_escape.h"

namespace tessera {
namespace {

double rounded(double v) { return report_rounded(v); }

struct TypeTotals {
  size_t ops = 0;
  double measured = 0, simulated = 0, abs_diff = 0;
};

nlohmann::json totals_json(const TypeTotals& t) {
  return {{"ops", t.ops}, {"measured_cycles", rounded(t.measured)}, {"simulated_cycles", rounded(t.simulated)},
          {"error", rounded(t.measured > 0 ? (t.simulated - t.measured) / t.measured : 0)},
          {"weighted_abs_error", rounded(t.measured > 0 ? t.abs_diff / t.measured : 0)}};
}

}  // namespace

nlohmann::json compare_with_silicon(const Graph& graph, nlohmann::json& report_ops, double clock_ghz) {
  TypeTotals all;
  std::map<std::string, TypeTotals> by_type;
  std::vector<std::pair<double, size_t>> worst;  // (|simulated - measured| cycles, op)
  for (size_t i = 0; i < graph.ops.size() && i < report_ops.size(); ++i) {
    const nlohmann::json& meta = graph.ops[i].metadata;
    if (!meta.is_object() || !meta.contains("measured_ns") || !meta["measured_ns"].is_number()) continue;
    const double measured = std::round(meta["measured_ns"].get<double>() * clock_ghz);
    const double simulated = double(report_ops[i]["cycles"].get<uint64_t>());
    report_ops[i]["measured_cycles"] = uint64_t(measured);
    for (TypeTotals* t : {&all, &by_type[report_ops[i]["type"].get<std::string>()]}) {
      ++t->ops;
      t->measured += measured;
      t->simulated += simulated;
      t->abs_diff += std::fabs(simulated - measured);
    }
    worst.push_back({std::fabs(simulated - measured), i});
  }
  if (all.ops == 0) return nullptr;
  nlohmann::json j = totals_json(all);
  j["by_type"] = nlohmann::json::object();
  for (const auto& [type, t] : by_type) j["by_type"][type] = totals_json(t);
  std::stable_sort(worst.begin(), worst.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  j["worst"] = nlohmann::json::array();
  for (size_t k = 0; k < worst.size() && k < 10; ++k) {
    const nlohmann::json& op = report_ops[worst[k].second];
    j["worst"].push_back({{"name", op["name"]}, {"type", op["type"]}, {"measured_cycles", op["measured_cycles"]},
                          {"simulated_cycles", op["cycles"]}});
  }
  return j;
}

std::string measured_vs_simulated_csv(const nlohmann::json& report) {
  std::string s = "op,type,cores,measured_cycles,simulated_cycles,ratio\n";
  for (const auto& op : report["ops"]) {
    if (!op.contains("measured_cycles")) continue;
    const double m = double(op["measured_cycles"].get<uint64_t>()), c = double(op["cycles"].get<uint64_t>());
    char ratio[32];
    std::snprintf(ratio, sizeof ratio, "%.4f", m > 0 ? c / m : 0.0);
    s += csv_field(op["name"].get<std::string>()) + "," + op["type"].get<std::string>() + "," +
         std::to_string(op["cores"].get<int>()) + "," + std::to_string(uint64_t(m)) + "," +
         std::to_string(uint64_t(c)) + "," + ratio + "\n";
  }
  return s;
}

std::string silicon_scatter_svg(const nlohmann::json& report) {
  const int size = 420, margin = 50;
  double lo = 1e300, hi = 1;
  for (const auto& op : report["ops"])
    if (op.contains("measured_cycles"))
      for (double v : {double(op["measured_cycles"].get<uint64_t>()), double(op["cycles"].get<uint64_t>())})
        if (v > 0) { lo = std::min(lo, v); hi = std::max(hi, v); }
  if (lo > hi) return "";
  const double l0 = std::floor(std::log10(lo)), l1 = std::ceil(std::log10(hi)) + (lo == hi ? 1 : 0);
  auto pos = [&](double v) { return (std::log10(std::max(v, lo)) - l0) / (l1 - l0) * (size - 2 * margin); };
  const char* colours[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
  std::map<std::string, int> colour_of;
  std::string s = "<svg xmlns='http://www.w3.org/2000/svg' width='" + std::to_string(size + 160) + "' height='" +
                  std::to_string(size) + "'>\n";
  s += "<rect x='" + std::to_string(margin) + "' y='" + std::to_string(margin) + "' width='" +
       std::to_string(size - 2 * margin) + "' height='" + std::to_string(size - 2 * margin) + "' fill='none' stroke='#999'/>\n";
  // The diagonal: simulated = measured.
  s += "<line x1='" + std::to_string(margin) + "' y1='" + std::to_string(size - margin) + "' x2='" +
       std::to_string(size - margin) + "' y2='" + std::to_string(margin) + "' stroke='#bbb' stroke-dasharray='4'/>\n";
  for (double d = l0; d <= l1; ++d) {
    const double p = (d - l0) / (l1 - l0) * (size - 2 * margin);
    char label[96];
    std::snprintf(label, sizeof label, "1e%d", int(d));
    s += "<text x='" + std::to_string(int(margin + p)) + "' y='" + std::to_string(size - margin + 14) +
         "' font-size='10' text-anchor='middle'>" + label + "</text>\n";
    s += "<text x='" + std::to_string(margin - 4) + "' y='" + std::to_string(int(size - margin - p + 3)) +
         "' font-size='10' text-anchor='end'>" + label + "</text>\n";
  }
  s += "<text x='" + std::to_string(size / 2) + "' y='" + std::to_string(size - 12) +
       "' font-size='11' text-anchor='middle'>measured cycles</text>\n";
  s += "<text x='12' y='" + std::to_string(size / 2) + "' font-size='11' transform='rotate(-90 12 " +
       std::to_string(size / 2) + ")' text-anchor='middle'>simulated cycles</text>\n";
  for (const auto& op : report["ops"]) {
    if (!op.contains("measured_cycles")) continue;
    const std::string type = op["type"].get<std::string>();
    auto [it, fresh] = colour_of.try_emplace(type, int(colour_of.size()) % 10);
    const double x = margin + pos(double(op["measured_cycles"].get<uint64_t>()));
    const double y = size - margin - pos(double(std::max<uint64_t>(op["cycles"].get<uint64_t>(), 1)));
    char circle[160];
    std::snprintf(circle, sizeof circle, "<circle cx='%.1f' cy='%.1f' r='2.5' fill='%s' fill-opacity='0.7'>", x, y,
                  colours[it->second]);
    s += circle + std::string("<title>") + xml_escape(op["name"].get<std::string>()) + "</title></circle>\n";
  }
  int row = 0;
  for (const auto& [type, colour] : colour_of) {
    const int y = margin + 14 * row++;
    s += "<circle cx='" + std::to_string(size + 4) + "' cy='" + std::to_string(y - 4) + "' r='4' fill='" +
         colours[colour] + "'/><text x='" + std::to_string(size + 12) + "' y='" + std::to_string(y) +
         "' font-size='11'>" + xml_escape(type) + "</text>\n";
  }
  return s + "</svg>\n";
}

}  // namespace tessera
