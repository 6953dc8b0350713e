// report.json and the terminal summary of a multi-chip run (system_run.h, docs/systems.md).
#include <cstdarg>
#include <cmath>
#include <cstdio>

#include "sim/config/mapper_choices.h"
#include "sim/report/report_rounding.h"
#include "sim/system/system_run.h"

namespace tessera::system {
namespace {

std::string formatted(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
std::string formatted(const char* fmt, ...) {
  char buf[512];
  va_list args;
  va_start(args, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, args);
  va_end(args);
  return buf;
}

std::string with_commas(uint64_t v) {
  std::string s = std::to_string(v);
  for (int i = int(s.size()) - 3; i > 0; i -= 3) s.insert(size_t(i), ",");
  return s;
}

std::string bytes_text(double b) {
  if (b >= 1 << 20) return formatted("%.2f MiB", b / (1 << 20));
  if (b >= 1 << 10) return formatted("%.1f KiB", b / (1 << 10));
  return formatted("%.0f B", b);
}

}  // namespace

nlohmann::json system_report(const SystemConfig& s, const SystemWorkload& w, const SystemRun& run, const Graph& graph) {
  const double hz = run.clock_ghz * 1e9;
  nlohmann::json r = {{"schema", "tessera-system-report"}, {"schema_version", 1}, {"system", s.name},
                      {"workload", graph.name}, {"parallel", to_string(w.mode)},
                      {"schedule", to_string(s.chips[0].mapper.schedule)}, {"chips", s.num_chips()},
                      {"clock_ghz", run.clock_ghz}, {"total_cycles", run.total_cycles},
                      {"seconds", report_rounded(double(run.total_cycles) / hz)},
                      {"compute_cycles", run.compute_cycles}, {"collective_cycles", run.collective_cycles},
                      {"notes", w.notes}};
  nlohmann::json stages = nlohmann::json::array();
  std::vector<uint64_t> busy(size_t(s.num_chips()), 0), macs(size_t(s.num_chips()), 0);
  std::vector<double> energy(size_t(s.num_chips()), 0);
  for (size_t k = 0; k < run.stages.size(); ++k) {
    const StagePeriod& p = run.stages[k];
    nlohmann::json chips = nlohmann::json::array(), collectives = nlohmann::json::array();
    for (size_t d = 0; d < p.chips.size(); ++d) {
      const ChipStageRun& c = p.chips[d];
      const uint64_t runs = c.starts.size();
      busy[d] += c.cycles * runs;
      macs[d] += c.macs * runs;
      energy[d] += c.energy_pj * double(runs);
      chips.push_back({{"device", d}, {"cycles", c.cycles}, {"runs", runs}, {"macs", c.macs},
                       {"utilization", report_rounded(c.utilization)}, {"ops", c.report.is_null() ? 0 : c.report["ops"].size()}});
    }
    for (const CollectiveSpan& c : p.collectives) {
      nlohmann::json used = nlohmann::json::array();  // one run's link directions, [from device, to device]
      for (const LinkDirectionUse& l : c.links) {
        const EthLink& link = s.links[size_t(l.link)];
        used.push_back({{"link", l.link}, {"devices", {(l.a_to_b ? link.a : link.b).chip, (l.a_to_b ? link.b : link.a).chip}},
                        {"payload_bytes", l.payload_bytes}, {"busy_cycles", uint64_t(std::llround(l.busy_cycles))}});
      }
      collectives.push_back({{"op", to_string(c.what.collective.op)}, {"tensor", c.what.tensor}, {"reason", c.what.reason},
                             {"bytes_per_chip", c.what.collective.bytes_per_chip},
                             {"topology", to_string(c.what.collective.topology)}, {"links", c.what.collective.links},
                             {"start_cycle", c.start_cycle}, {"cycles", c.cycles}, {"runs", c.starts.size()},
                             {"packets", c.packets},
                             {"payload_bytes", c.payload_bytes}, {"ethernet", used}});
    }
    stages.push_back({{"stage", k}, {"start_cycle", p.start_cycle}, {"end_cycle", p.end_cycle}, {"chips", chips},
                      {"collectives", collectives}});
  }
  r["stages"] = stages;
  nlohmann::json devices = nlohmann::json::array();
  for (int d = 0; d < s.num_chips(); ++d)
    devices.push_back({{"device", d}, {"chip", s.chips[size_t(d)].chip.name},
                       {"grid", {s.position_of[size_t(d)].x, s.position_of[size_t(d)].y}}, {"busy_cycles", busy[size_t(d)]},
                       {"idle_cycles", run.total_cycles - busy[size_t(d)]},
                       {"busy", report_rounded(run.total_cycles ? double(busy[size_t(d)]) / double(run.total_cycles) : 0)},
                       {"macs", macs[size_t(d)]}, {"energy_pj", report_rounded(energy[size_t(d)])}});
  r["devices"] = devices;
  nlohmann::json links = nlohmann::json::array();
  for (const LinkDirectionUse& l : run.links) {
    const EthLink& link = s.links[size_t(l.link)];
    const Port& from = l.a_to_b ? link.a : link.b;
    const Port& to = l.a_to_b ? link.b : link.a;
    links.push_back({{"link", l.link}, {"from", {from.chip, from.core.x, from.core.y}}, {"to", {to.chip, to.core.x, to.core.y}},
                     {"packets", l.packets}, {"payload_bytes", l.payload_bytes}, {"wire_bytes", l.wire_bytes},
                     {"busy_cycles", uint64_t(std::llround(l.busy_cycles))},
                     {"utilisation", report_rounded(run.total_cycles ? l.busy_cycles / double(run.total_cycles) : 0)}});
  }
  r["ethernet"] = links;
  return r;
}

std::string format_system_summary(const nlohmann::json& r) {
  std::string out;
  const double us_per_cycle = 1e-3 / r["clock_ghz"].get<double>();
  const auto us = [&](uint64_t cycles) { return double(cycles) * us_per_cycle; };
  const uint64_t total = r["total_cycles"];
  out += formatted("system      %s: %d chips (%s) at %.2f GHz\n", r["system"].get<std::string>().c_str(), r["chips"].get<int>(),
                   r["devices"][0]["chip"].get<std::string>().c_str(), r["clock_ghz"].get<double>());
  out += formatted("workload    %s, mapper.parallel=%s, schedule %s\n", r["workload"].get<std::string>().c_str(),
                   r["parallel"].get<std::string>().c_str(), r["schedule"].get<std::string>().c_str());
  for (const auto& n : r["notes"]) out += "            " + n.get<std::string>() + "\n";
  if (r["parallel"] == "pipeline")
    out += formatted("time        %.3f ms simulated (%s cycles): the busiest chip %s cycles, sends %s cycles in all "
                     "(overlapping compute)\n", us(total) / 1e3, with_commas(total).c_str(),
                     with_commas(r["compute_cycles"]).c_str(), with_commas(r["collective_cycles"]).c_str());
  else
    out += formatted("time        %.3f ms simulated (%s cycles): compute %s cycles (the slowest chip of each stage), "
                     "collectives %s cycles\n", us(total) / 1e3, with_commas(total).c_str(),
                     with_commas(r["compute_cycles"]).c_str(), with_commas(r["collective_cycles"]).c_str());
  out += "\nstage  start (us)   chips' cycles (min .. max)   then\n";
  for (const auto& st : r["stages"]) {
    uint64_t lo = UINT64_MAX, hi = 0;
    int idle = 0;
    for (const auto& c : st["chips"]) {
      const uint64_t v = c["cycles"];
      if (!v) { ++idle; continue; }
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
    out += formatted("%5d  %10.2f   %12s .. %-12s%s\n", st["stage"].get<int>(), us(st["start_cycle"]),
                     lo == UINT64_MAX ? "-" : with_commas(lo).c_str(), with_commas(hi).c_str(),
                     idle && r["parallel"] != "pipeline" ? formatted("  (%d chips idle)", idle).c_str() : "");
    for (const auto& c : st["collectives"])
      out += formatted("                    %s of %s, %s per chip (%s, %d link%s): %s cycles%s\n",
                       c["op"].get<std::string>().c_str(), c["tensor"].get<std::string>().c_str(),
                       bytes_text(c["bytes_per_chip"].get<double>()).c_str(), c["topology"].get<std::string>().c_str(),
                       c["links"].get<int>(), c["links"].get<int>() > 1 ? "s" : "", with_commas(c["cycles"]).c_str(),
                       c["runs"].get<size_t>() > 1 ? formatted(" x %zu", c["runs"].get<size_t>()).c_str() : "");
  }
  out += "\ndevice  grid    busy cycles   busy   GMACs\n";
  for (const auto& d : r["devices"])
    out += formatted("%6d  (%d,%d) %14s  %5.1f%%  %6.2f\n", d["device"].get<int>(), d["grid"][0].get<int>(),
                     d["grid"][1].get<int>(), with_commas(d["busy_cycles"]).c_str(), 100 * d["busy"].get<double>(),
                     d["macs"].get<double>() / 1e9);
  if (r["ethernet"].empty()) {
    out += "\nEthernet    no data crossed a link\n";
    return out;
  }
  out += "\nEthernet link direction       payload      busy cycles   utilisation\n";
  for (const auto& l : r["ethernet"])
    out += formatted("%4d  %d(%d,%d) -> %d(%d,%d)  %12s  %14s   %5.1f%%\n", l["link"].get<int>(), l["from"][0].get<int>(),
                     l["from"][1].get<int>(), l["from"][2].get<int>(), l["to"][0].get<int>(), l["to"][1].get<int>(),
                     l["to"][2].get<int>(), bytes_text(l["payload_bytes"].get<double>()).c_str(),
                     with_commas(l["busy_cycles"]).c_str(), 100 * l["utilisation"].get<double>());
  return out;
}

}  // namespace tessera::system
