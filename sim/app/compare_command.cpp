// tessera compare A B: two runs side by side, from their report directories or report.json files. The
// headline figures with the change from A to B, then the ops whose time changed the most.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>

#include "sim/app/cli_support.h"
#include "sim/app/commands.h"
#include "sim/base/errors.h"
#include "sim/config/config_loader.h"
#include "sim/report/summary_text.h"

namespace tessera::app {
namespace {

nlohmann::json read_report(const std::string& where) {
  std::error_code ec;
  const std::string path = std::filesystem::is_directory(where, ec) ? where + "/report.json" : where;
  nlohmann::json r = read_json_file(path);
  if (!r.is_object() || r.value("schema", "") != "tessera-report" || !r.contains("ops") || !r["ops"].is_array())
    throw InputError(path + ": expected a Tessera report.json (schema \"tessera-report\")");
  for (const char* key : {"total_cycles", "seconds", "achieved_tflops", "utilization", "macs"})
    if (!r.contains(key) || !r[key].is_number()) throw InputError(path + ": /" + std::string(key) + ": expected a number");
  return r;
}

double number_at(const nlohmann::json& r, const std::vector<std::string>& path) {
  const nlohmann::json* v = &r;
  for (const auto& p : path) {
    if (!v->is_object() || !v->contains(p)) return NAN;
    v = &(*v)[p];
  }
  return v->is_number() ? v->get<double>() : NAN;
}

std::string change(double a, double b) {
  if (!std::isfinite(a) || !std::isfinite(b)) return "";
  if (a == 0) return b == 0 ? "same" : "";
  if (a == b) return "same";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.1f%%", 100 * (b - a) / a);
  return buf;
}

std::string value(double v, const char* fmt) {
  if (!std::isfinite(v)) return "-";
  char buf[48];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

}  // namespace

static int compare(int argc, char** argv);

int compare_command(int argc, char** argv) {
  return guarded("compare", [&] {
    try {
      return compare(argc, argv);
    } catch (const nlohmann::json::exception& e) {
      // A report.json edited by hand or written by another version: bad input, not an internal error.
      throw InputError(std::string("expected report.json files as tessera run writes them: ") + e.what());
    }
  });
}

static int compare(int argc, char** argv) {
  {
    po::options_description options("tessera compare options");
    options.add_options()("help,h", "show this help")
        ("a", po::value<std::string>()->required(), "first run: a --out directory or a report.json")
        ("b", po::value<std::string>()->required(), "second run")
        ("ops", po::value<size_t>()->default_value(10), "how many changed ops to list");
    po::positional_options_description positional;
    positional.add("a", 1).add("b", 1);
    po::variables_map vm;
    if (!parse_options(argc, argv, options, &positional, vm, "usage: tessera compare A B  (run directories or report.json files)"))
      return 0;
    const nlohmann::json a = read_report(vm["a"].as<std::string>()), b = read_report(vm["b"].as<std::string>());
    // Everything that reads the ops comes before the first line is printed: a bad file prints nothing.
    double idle_a = 0, idle_b = 0;
    const std::vector<double> share_a = op_time_shares(a, &idle_a), share_b = op_time_shares(b, &idle_b);
    std::printf("%-22s %18s %18s %9s\n", "", "A", "B", "B vs A");
    std::printf("%-22s %18s %18s\n", "chip", a.value("chip", "?").c_str(), b.value("chip", "?").c_str());
    std::printf("%-22s %18s %18s\n", "workload", a.value("workload", "?").c_str(), b.value("workload", "?").c_str());
    struct Row { const char* label; std::vector<std::string> path; const char* fmt; double scale; };
    const std::vector<Row> rows = {
        {"cycles", {"total_cycles"}, "%.0f", 1},
        {"time (ms)", {"seconds"}, "%.4f", 1e3},
        {"achieved TFLOPS", {"achieved_tflops"}, "%.3f", 1},
        {"utilisation (%)", {"utilization"}, "%.2f", 100},
        {"energy (mJ)", {"energy", "total_pj"}, "%.4f", 1e-9},
        {"average power (W)", {"energy", "average_power_w"}, "%.3f", 1},
        {"TOPS/W", {"energy", "tops_per_watt"}, "%.4f", 1},
        {"SRAM peak (KiB)", {"sram_peak_bytes"}, "%.1f", 1.0 / 1024},
    };
    for (const Row& row : rows) {
      const double x = number_at(a, row.path) * row.scale, y = number_at(b, row.path) * row.scale;
      std::printf("%-22s %18s %18s %9s\n", row.label, value(x, row.fmt).c_str(), value(y, row.fmt).c_str(), change(x, y).c_str());
    }
    if (a.contains("batch") && b.contains("batch")) {
      const double x = number_at(a, {"batch"}) / number_at(a, {"seconds"}), y = number_at(b, {"batch"}) / number_at(b, {"seconds"});
      std::printf("%-22s %18s %18s %9s\n", "images/s", value(x, "%.1f").c_str(), value(y, "%.1f").c_str(), change(x, y).c_str());
    }

    // Ops matched by name; listed by how much their share of the run's time changed, in cycles.
    std::map<std::string, std::pair<double, double>> by_name;  // time-share cycles in A and B
    std::map<std::string, std::pair<uint64_t, uint64_t>> cycles;
    for (size_t i = 0; i < a["ops"].size(); ++i) {
      const std::string n = a["ops"][i].value("name", "");
      by_name[n].first = share_a[i];
      cycles[n].first = a["ops"][i].value("cycles", uint64_t(0));
    }
    for (size_t i = 0; i < b["ops"].size(); ++i) {
      const std::string n = b["ops"][i].value("name", "");
      by_name[n].second = share_b[i];
      cycles[n].second = b["ops"][i].value("cycles", uint64_t(0));
    }
    std::vector<std::pair<double, std::string>> changed;
    for (const auto& [name, s] : by_name)
      if (s.first != s.second) changed.push_back({std::fabs(s.second - s.first), name});
    std::sort(changed.rbegin(), changed.rend());
    const size_t n = std::min(changed.size(), vm["ops"].as<size_t>());
    std::printf("\nthe %zu ops whose time changed the most (of %zu changed; time: each moment of a run split evenly "
                "among the ops running then)\n",
                n, changed.size());
    size_t width = 2;
    for (size_t i = 0; i < n; ++i) width = std::max(width, changed[i].second.size());
    width = std::min<size_t>(width, 48);
    std::printf("%-*s %14s %14s %14s %9s\n", int(width), "op", "cycles A", "cycles B", "time B - A", "B vs A");
    for (size_t i = 0; i < n; ++i) {
      const std::string& name = changed[i].second;
      const auto [sa, sb] = by_name[name];
      std::printf("%-*s %14llu %14llu %+14.0f %9s\n", int(width), name.substr(0, width).c_str(),
                  (unsigned long long)cycles[name].first, (unsigned long long)cycles[name].second, sb - sa,
                  change(sa, sb).c_str());
    }
    return 0;
  }
}

}  // namespace tessera::app
