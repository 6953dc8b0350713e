#include "sim/report/summary_text.h"

#include <algorithm>
#include <cstdio>
#include <numeric>

#include "sim/report/energy_summary.h"

namespace tessera {
namespace {

std::string with_commas(uint64_t v) {
  std::string s = std::to_string(v), out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i && (s.size() - i) % 3 == 0) out += ',';
    out += s[i];
  }
  return out;
}

std::string format(const char* fmt, double a) {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, a);
  return buf;
}

// 5,600,000,000 -> "5.60 G"
std::string si(double v) {
  const char* units[] = {"", " k", " M", " G", " T", " P"};
  int u = 0;
  while (std::abs(v) >= 1000 && u < 5) { v /= 1000; ++u; }
  char buf[32];
  std::snprintf(buf, sizeof buf, u ? "%.2f%s" : "%.0f%s", v, units[u]);
  return buf;
}

}  // namespace

std::vector<double> op_time_shares(const nlohmann::json& report, double* idle_cycles) {
  const auto& ops = report["ops"];
  std::vector<double> share(ops.size(), 0.0);
  // Sweep over the op boundaries: between two consecutive boundaries the set of running ops is fixed.
  std::vector<std::pair<uint64_t, int>> events;  // (cycle, +1 start of op i / -1 end), op index encoded
  for (size_t i = 0; i < ops.size(); ++i) {
    const uint64_t start = ops[i].value("start_cycle", uint64_t(0)), end = ops[i].value("end_cycle", uint64_t(0));
    if (ops[i].value("cycles", uint64_t(0)) == 0 || end <= start) continue;
    events.push_back({start, int(i) + 1});
    events.push_back({end, -(int(i) + 1)});
  }
  std::sort(events.begin(), events.end());
  std::vector<int> running;
  uint64_t last = 0;
  double idle = 0;
  for (const auto& [cycle, e] : events) {
    const double span = double(cycle - last);
    if (running.empty()) idle += span;
    for (int i : running) share[i] += span / double(running.size());
    if (e > 0) running.push_back(e - 1);
    else running.erase(std::find(running.begin(), running.end(), -e - 1));
    last = cycle;
  }
  const uint64_t total = report.value("total_cycles", uint64_t(0));
  if (total > last) idle += double(total - last);
  if (idle_cycles) *idle_cycles = idle;
  return share;
}

std::string format_run_summary(const nlohmann::json& r, const SummaryOptions& options) {
  std::string s;
  char line[512];
  const auto& ops = r["ops"];
  const double total = double(std::max<uint64_t>(r["total_cycles"].get<uint64_t>(), 1));
  double idle = 0;
  const std::vector<double> share = op_time_shares(r, &idle);

  size_t fused = 0, no_work = 0;
  for (const auto& [op, names] : options.fused_into) fused += names.size();
  for (const auto& op : ops)
    if (op["cycles"].get<uint64_t>() == 0) ++no_work;
  std::snprintf(line, sizeof line, "chip        %s, %d compute cores at %.2f GHz\n", r["chip"].get<std::string>().c_str(),
                r["compute_cores"].get<int>(), r["clock_ghz"].get<double>());
  s += line;
  std::snprintf(line, sizeof line, "workload    %s: %zu ops (%zu fused into another op, %zu more take no time), %sMACs\n",
                r["workload"].get<std::string>().c_str(), ops.size(), fused, no_work - std::min(no_work, fused),
                si(double(r["macs"].get<uint64_t>())).c_str());
  s += line;
  const double seconds = r["seconds"].get<double>();
  std::snprintf(line, sizeof line, "time        %.3f ms simulated (%s cycles)\n", seconds * 1e3,
                with_commas(r["total_cycles"].get<uint64_t>()).c_str());
  s += line;
  if (r.contains("programs")) {
    const double device = double(r["device_cycles"].get<uint64_t>()) / total;
    std::snprintf(line, sizeof line, "schedule    op by op: %zu programs, one after another; device time %.3f ms, dispatch gaps the rest\n",
                  r["programs"].get<size_t>(), device * seconds * 1e3);
    s += line;
    if (r.contains("op_by_op_rules"))
      s += "formats     " + r["op_by_op_rules"].get<std::string>() +
           " rule where the trace gives none (mapper.op_by_op_rules; docs/mapping.md)\n";
  } else if (r.contains("schedule")) {
    s += "schedule    fused: the whole graph as one stream, each op waiting only for the rows it reads\n";
  }
  if (r.contains("silicon")) {
    const auto& m = r["silicon"];
    std::snprintf(line, sizeof line, "silicon     %zu measured ops: device time %.3f ms measured, %.3f ms simulated (%+.1f%%); per-op error weighted by time %.1f%%\n",
                  m["ops"].get<size_t>(), m["measured_cycles"].get<double>() / total * seconds * 1e3,
                  m["simulated_cycles"].get<double>() / total * seconds * 1e3, 100 * m["error"].get<double>(),
                  100 * m["weighted_abs_error"].get<double>());
    s += line;
    std::string types = "            by type (weighted |error|):";
    for (const auto& [type, t] : m["by_type"].items()) {
      std::snprintf(line, sizeof line, " %s %.0f%%", type.c_str(), 100 * t["weighted_abs_error"].get<double>());
      types += line;
    }
    s += types + "\n";
  }
  if (seconds > 0) {
    if (r.contains("batch"))
      std::snprintf(line, sizeof line, "throughput  %s images/s (batch %lld)\n",
                    si(double(r["batch"].get<int64_t>()) / seconds).c_str(), (long long)r["batch"].get<int64_t>());
    else
      std::snprintf(line, sizeof line, "throughput  %s runs of the workload per second\n", si(1.0 / seconds).c_str());
    s += line;
  }
  std::snprintf(line, sizeof line, "compute     %.2f TFLOPS achieved of %.2f peak (%s): %.1f%% utilisation\n",
                r["achieved_tflops"].get<double>(), r["peak_tflops"].get<double>(),
                r["peak_fidelity"].get<std::string>().c_str(), 100 * r["utilization"].get<double>());
  s += line;
  // The bottleneck: the bound that holds the most of the run's time.
  std::map<std::string, double> by_bound;
  for (size_t i = 0; i < ops.size(); ++i)
    if (ops[i].contains("bottleneck")) by_bound[ops[i]["bottleneck"].get<std::string>()] += share[i];
  if (!by_bound.empty()) {
    auto top = std::max_element(by_bound.begin(), by_bound.end(), [](auto& a, auto& b) { return a.second < b.second; });
    std::snprintf(line, sizeof line, "bottleneck  %s: ops bound by it hold %.0f%% of the run's time", top->first.c_str(),
                  100 * top->second / total);
    s += line;
    if (idle / total >= 0.01) s += format(", no op runs for %.0f%%", 100 * idle / total);
    s += "\n";
  }
  const bool over = r["sram_peak_bytes"].get<uint64_t>() > r["sram_capacity_bytes"].get<uint64_t>();
  std::snprintf(line, sizeof line, "SRAM        peak %.1f KiB of %.1f KiB per core%s\n", r["sram_peak_bytes"].get<double>() / 1024,
                r["sram_capacity_bytes"].get<double>() / 1024,
                over ? "  OVER CAPACITY: blocks cannot shrink further (see the ops' notes)" : "");
  s += line;
  s += format_energy_summary(r);

  // The table: every op with --ops all, else the ten with the largest time share.
  std::vector<size_t> rows(ops.size());
  std::iota(rows.begin(), rows.end(), 0);
  std::map<std::string, std::string> absorbed;  // fused op -> the op it is folded into
  for (const auto& [op, names] : options.fused_into)
    for (const auto& n : names) absorbed[n] = op;
  if (!options.all_ops) {
    rows.erase(std::remove_if(rows.begin(), rows.end(),
                              [&](size_t i) { return absorbed.count(ops[i]["name"].get<std::string>()) || share[i] <= 0; }),
               rows.end());
    std::stable_sort(rows.begin(), rows.end(), [&](size_t a, size_t b) { return share[a] > share[b]; });
    if (rows.size() > options.top_ops) rows.resize(options.top_ops);
  }
  std::map<std::string, std::string> type_of;
  for (const auto& op : ops) type_of[op["name"].get<std::string>()] = op["type"].get<std::string>();
  std::vector<std::string> names;
  size_t width = 2;
  for (size_t i : rows) {
    std::string name = ops[i]["name"].get<std::string>();
    auto f = options.fused_into.find(name);
    if (f != options.fused_into.end() && !options.all_ops)
      for (const auto& n : f->second) name += " +" + (type_of.count(n) ? type_of[n] : n);  // "conv +relu"
    names.push_back(name);
    width = std::max(width, name.size());
  }
  width = std::min<size_t>(width, 48);
  s += "\n";
  if (options.all_ops)
    s += "every op in run order";
  else
    s += "the " + std::to_string(rows.size()) + " ops that took the most time (of " + std::to_string(ops.size()) +
         "; --ops all lists every op)";
  s += "\ntime: the op's share of the run, each moment split evenly among the ops running then (sums to 100%)\n\n";
  std::snprintf(line, sizeof line, "%-*s  %-14s %11s %12s %6s %6s %6s  %s\n", int(width), "op", "type", "MACs", "cycles",
                "time", "cores", "util", "bound");
  s += line;
  for (size_t k = 0; k < rows.size(); ++k) {
    const auto& op = ops[rows[k]];
    std::string name = names[k];
    if (name.size() > width) name = "..." + name.substr(name.size() - width + 3);
    const bool has_macs = op["macs"].get<int64_t>() > 0;
    std::snprintf(line, sizeof line, "%-*s  %-14s %11s %12s %5.1f%% %6d %6s  %s\n", int(width), name.c_str(),
                  op["type"].get<std::string>().c_str(), has_macs ? si(double(op["macs"].get<uint64_t>())).c_str() : "-",
                  with_commas(op["cycles"].get<uint64_t>()).c_str(), 100 * share[rows[k]] / total, op["cores"].get<int>(),
                  has_macs ? format("%.1f%%", 100 * op["utilization"].get<double>()).c_str() : "-",
                  op.value("bottleneck", "").c_str());
    s += line;
  }
  if (idle / total >= 0.001) {
    std::snprintf(line, sizeof line, "%-*s  %-14s %11s %12s %5.1f%%\n", int(width), "(no op running)", "", "", "",
                  100 * idle / total);
    s += line;
  }
  return s;
}

}  // namespace tessera
