#include "sim/report/report.h"

#include "sim/report/report_rounding.h"
#include "sim/report/silicon_comparison.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "core/compute_costs.h"
#include "sim/energy/energy_model.h"
#include "sim/energy/power_model.h"
#include "sim/report/power_json.h"
#include "sim/program/op_spans.h"
#include "sim/report/run_digest.h"

namespace tessera {
namespace {

double rounded(double v, int digits = 6) { return report_rounded(v, digits); }

// What limited an op: the resource that was busiest for the op's span, relative to how much of it the
// op had (its cores' engines, the chip's DRAM channels). Spilled ops that wait on DRAM say SRAM. The math
// engine's time holds matrix and vector work; the DMA out engine's what the op puts on the NoC.
std::string bottleneck(const OpSpan& s, int cores, int channels, bool spilled) {
  const double span = double(s.end > s.start ? s.end - s.start : 1);
  const uint64_t stages = std::max(s.busy_of(Engine::unpack), s.busy_of(Engine::pack));
  const double compute = double(std::max(s.busy_of(Engine::math), stages)) / (span * std::max(cores, 1));
  const double dram = double(s.busy_of(Engine::dram)) / (span * std::max(channels, 1));
  const double noc = double(s.busy_of(Engine::writer)) / (span * std::max(cores, 1));
  if (dram >= compute && dram >= noc) return spilled ? "sram" : "dram";
  return noc > compute ? "noc" : "compute";
}

}  // namespace

nlohmann::json energy_json(const EnergyReport& e, const Plan& plan) {
  nlohmann::json j;
  j["total_pj"] = rounded(e.total_pj, 12);
  // Components are rounded with the total's precision so that they still sum to it.
  nlohmann::json comp = nlohmann::json::object();
  for (const std::string& name : kEnergyComponents) comp[name] = rounded(e.by_component_pj.at(name), 12);
  j["by_component_pj"] = comp;
  nlohmann::json by_op = nlohmann::json::array();
  for (size_t i = 0; i < plan.ops.size(); ++i)
    by_op.push_back({{"op", plan.ops[i].name}, {"energy_pj", rounded(e.by_op_pj[i], 12)}});
  j["by_op"] = by_op;
  nlohmann::json by_core = nlohmann::json::array();
  for (size_t c = 0; c < plan.cores.size(); ++c)
    by_core.push_back({{"x", plan.cores[c].pos.x}, {"y", plan.cores[c].pos.y}, {"energy_pj", rounded(e.by_core_pj[c], 12)}});
  j["by_core"] = by_core;
  j["average_power_w"] = rounded(e.average_power_w);
  j["tops_per_watt"] = rounded(e.tops_per_watt);
  const ActionCounts& n = e.counts;
  j["actions"] = {{"macs", n.macs}, {"mac_phases", n.mac_phases}, {"vector_instructions", n.vector_instructions},
                  {"sram_read_bytes", n.sram_read_bytes}, {"sram_write_bytes", n.sram_write_bytes},
                  {"compress_bytes", n.compress_bytes}, {"decompress_bytes", n.decompress_bytes},
                  {"reshape_bytes", n.reshape_bytes}, {"dram_bytes", n.dram_bytes}, {"noc_flits", n.noc_flits},
                  {"noc_flit_hops", n.noc_flit_hops}, {"noc_router_traversals", n.noc_router_traversals}};
  return j;
}

nlohmann::json build_report(const ArchConfig& config, const Graph& graph, const Plan& plan, const RunResult& run) {
  const ComputeCosts costs(config.core);
  const double clock_hz = config.chip.clock_ghz * 1e9;
  const int cores = int(plan.cores.size());
  const std::vector<OpSpan> spans = op_spans(run.activities, plan.ops.size(), !plan.launches.empty());
  std::vector<uint64_t> core_math(cores, 0);
  for (int c = 0; c < cores; ++c)
    core_math[c] = uint64_t(run.stats.get(core_stat(plan, c, Engine::math) + "busy_cycles"));

  int64_t total_macs = 0;
  for (const OpPlan& o : plan.ops) total_macs += o.macs;
  const double seconds = double(run.total_cycles) / clock_hz;
  // Peak at the fidelity of the op that does most of the work: a HiFi4 GEMM is measured against HiFi4's peak.
  Fidelity peak_fidelity = config.mapper.default_fidelity;
  int64_t most = -1;
  for (const OpPlan& o : plan.ops)
    if (o.macs > most) {
      most = o.macs;
      peak_fidelity = o.fidelity;
    }
  const double peak_flops_per_cycle = costs.peak_flops_per_cycle(peak_fidelity) * cores;
  const double peak_tflops = peak_flops_per_cycle * clock_hz / 1e12;
  const double achieved_tflops = seconds > 0 ? 2.0 * double(total_macs) / seconds / 1e12 : 0;

  nlohmann::json r;
  r["schema"] = "tessera-report";
  r["schema_version"] = kReportSchemaVersion;
  r["chip"] = config.chip.name;
  r["workload"] = graph.name;
  r["clock_ghz"] = config.chip.clock_ghz;
  r["compute_cores"] = cores;
  r["total_cycles"] = run.total_cycles;
  r["seconds"] = rounded(seconds);
  r["macs"] = total_macs;
  r["peak_tflops"] = rounded(peak_tflops);
  r["achieved_tflops"] = rounded(achieved_tflops);
  r["utilization"] = rounded(peak_tflops > 0 ? achieved_tflops / peak_tflops : 0);
  r["peak_fidelity"] = to_string(peak_fidelity);
  r["schedule"] = to_string(config.mapper.schedule);
  if (!plan.launches.empty()) {
    // Op by op: the programs' device time, first read to last write of each, without the dispatch gaps.
    uint64_t device = 0;
    for (const Launch& l : plan.launches) device += spans[size_t(l.op)].cycles();
    r["programs"] = plan.launches.size();
    // The rule that chose formats and fidelities where the trace gives none, when it chose any.
    if (std::any_of(plan.ops.begin(), plan.ops.end(), [](const OpPlan& o) { return !o.format_rule.empty(); }))
      r["op_by_op_rules"] = to_string(config.mapper.op_by_op_rules);
    r["device_cycles"] = device;
  }
  r["sram_capacity_bytes"] = plan.sram_capacity_bytes;
  uint64_t sram_peak = 0;
  for (const CoreProgram& c : plan.cores) sram_peak = std::max(sram_peak, c.sram_peak_bytes);
  r["sram_peak_bytes"] = sram_peak;

  nlohmann::json ops = nlohmann::json::array();
  for (size_t i = 0; i < plan.ops.size(); ++i) {
    const OpPlan& o = plan.ops[i];
    const OpSpan& s = spans[i];
    const uint64_t cycles = s.cycles();
    const double op_peak = costs.peak_flops_per_cycle(o.fidelity) / 2.0 * std::max(o.cores, 1);  // MACs per cycle
    nlohmann::json op = {{"name", o.name}, {"type", o.type}, {"macs", o.macs}, {"executed_macs", o.executed_macs},
                         {"cycles", cycles}, {"start_cycle", s.start == UINT64_MAX ? 0 : s.start},
                         {"end_cycle", s.end}, {"cores", o.cores},
                         {"share", rounded(run.total_cycles ? double(cycles) / double(run.total_cycles) : 0)},
                         {"utilization", rounded(cycles && o.macs ? double(o.executed_macs) / (double(cycles) * op_peak) : 0)},
                         {"weight_bytes", o.weight_bytes}, {"sram_peak_bytes", o.sram_peak_bytes},
                         {"spilled_bytes", o.spilled_bytes}};
    if (cycles) op["bottleneck"] = bottleneck(s, o.cores, int(config.dram.positions.size()), o.spilled_bytes > 0);
    if (!o.conv_algorithm.empty()) op["conv_algorithm"] = o.conv_algorithm;
    if (!o.note.empty()) op["note"] = o.note;
    ops.push_back(op);
  }
  r["ops"] = ops;
  nlohmann::json silicon = compare_with_silicon(graph, r["ops"], config.chip.clock_ghz);
  if (!silicon.is_null()) r["silicon"] = std::move(silicon);

  nlohmann::json core_list = nlohmann::json::array();
  for (int c = 0; c < cores; ++c)
    core_list.push_back({{"x", plan.cores[c].pos.x}, {"y", plan.cores[c].pos.y},
                         {"math_busy_cycles", core_math[c]},
                         {"utilization", rounded(run.total_cycles ? double(core_math[c]) / double(run.total_cycles) : 0)},
                         {"sram_peak_bytes", plan.cores[c].sram_peak_bytes}});
  r["cores"] = core_list;

  r["stats"] = run.stats.to_json([](double v) { return rounded(v, 12); });

  const EnergyReport energy = compute_energy(config, graph, plan, run);
  for (size_t i = 0; i < plan.ops.size(); ++i) r["ops"][i]["energy_pj"] = rounded(energy.by_op_pj[i]);
  for (int c = 0; c < cores; ++c) r["cores"][c]["energy_pj"] = rounded(energy.by_core_pj[c]);
  r["energy"] = energy_json(energy, plan);
  r["power"] = power_json(config, plan, compute_power(config, plan, run, energy));
  return r;
}

static std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

static std::string with_commas(uint64_t v) {
  std::string s = std::to_string(v), out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i && (s.size() - i) % 3 == 0) out += ',';
    out += s[i];
  }
  return out;
}

std::string format_summary(const nlohmann::json& r) {
  std::string s;
  char line[512];
  std::snprintf(line, sizeof line, "chip       %s, %d compute cores at %.2f GHz\n", r["chip"].get<std::string>().c_str(),
                r["compute_cores"].get<int>(), r["clock_ghz"].get<double>());
  s += line;
  std::snprintf(line, sizeof line, "workload   %s, %zu ops, %s MACs\n", r["workload"].get<std::string>().c_str(),
                r["ops"].size(), with_commas(r["macs"].get<uint64_t>()).c_str());
  s += line;
  std::snprintf(line, sizeof line, "cycles     %s (%.3f ms simulated)\n", with_commas(r["total_cycles"].get<uint64_t>()).c_str(),
                r["seconds"].get<double>() * 1e3);
  s += line;
  std::snprintf(line, sizeof line, "TFLOPS     %.2f achieved of %.2f peak (%s), %.1f%% utilisation\n",
                r["achieved_tflops"].get<double>(), r["peak_tflops"].get<double>(),
                r["peak_fidelity"].get<std::string>().c_str(), 100 * r["utilization"].get<double>());
  s += line;
  const bool over = r["sram_peak_bytes"].get<uint64_t>() > r["sram_capacity_bytes"].get<uint64_t>();
  std::snprintf(line, sizeof line, "SRAM       peak %.1f KiB of %.1f KiB per core%s\n\n",
                r["sram_peak_bytes"].get<double>() / 1024, r["sram_capacity_bytes"].get<double>() / 1024,
                over ? "  OVER CAPACITY: blocks cannot shrink further (see the ops' notes)" : "");
  s += line;
  size_t width = 4;
  for (const auto& op : r["ops"]) width = std::max(width, op["name"].get<std::string>().size());
  width = std::min<size_t>(width, 48);
  std::snprintf(line, sizeof line, "%-*s  %-16s %15s %12s %7s %6s %7s  %s\n", int(width), "op", "type", "MACs", "cycles",
                "share", "cores", "util", "bound");
  s += line;
  for (const auto& op : r["ops"]) {
    std::string name = op["name"].get<std::string>();
    if (name.size() > width) name = "..." + name.substr(name.size() - width + 3);
    std::snprintf(line, sizeof line, "%-*s  %-16s %15s %12s %6s%% %6d %6s%%  %s\n", int(width), name.c_str(),
                  op["type"].get<std::string>().c_str(), with_commas(op["macs"].get<uint64_t>()).c_str(),
                  with_commas(op["cycles"].get<uint64_t>()).c_str(), fixed(100 * op["share"].get<double>(), 1).c_str(),
                  op["cores"].get<int>(), op["macs"].get<int64_t>() ? fixed(100 * op["utilization"].get<double>(), 1).c_str() : "-",
                  op.value("bottleneck", "").c_str());
    s += line;
  }
  return s;
}

}  // namespace tessera
