#include "sim/energy/energy_model.h"

#include <algorithm>

#include "noc/routing.h"
#include "sim/energy/power_model.h"
#include "sim/program/op_spans.h"

namespace tessera {

const std::vector<std::string> kEnergyComponents = {
    "mac", "vector", "sram_read", "sram_write", "compress", "decompress", "reshape",
    "noc_router", "noc_link", "dram", "static_core", "clock_core", "static_router", "static_dram"};

namespace {

// Spreads `total` over buckets in proportion to `weights`; evenly when every weight is zero.
void spread(double total, const std::vector<double>& weights, std::vector<double>& into) {
  double sum = 0;
  for (double w : weights) sum += w;
  if (weights.empty() || total == 0) return;
  for (size_t i = 0; i < weights.size(); ++i)
    into[i] += sum > 0 ? total * weights[i] / sum : total / double(weights.size());
}

// Spreads the NoC's energy over ops and cores from what the run recorded: each statistics window gets the
// share of the energy that its flit-hops are of the run's, and passes it on to the ops and cores whose DMA
// engines (in and out) were busy in that window, in proportion to their busy cycles there. A window with
// flits but no DMA span goes by the whole run's DMA busy cycles.
void spread_noc_energy(double total, const RunResult& run, std::vector<double>& by_op, std::vector<double>& by_core) {
  const std::vector<double>& hops = run.stats.windows("noc.flit_hops");
  const uint64_t window = run.stats.window_cycles();
  double all_hops = 0;
  for (double h : hops) all_hops += h;
  if (total == 0 || all_hops == 0 || window == 0) return;
  // Per window, (op, core, cycles) of the DMA spans that overlap it.
  struct Share { int op, core; double cycles; };
  std::vector<std::vector<Share>> shares(hops.size());
  std::vector<double> op_all(by_op.size(), 0), core_all(by_core.size(), 0);
  for (const Activity& a : run.activities) {
    if (a.engine != Engine::reader && a.engine != Engine::writer) continue;
    if (a.op < 0 || size_t(a.op) >= by_op.size() || size_t(a.unit) >= by_core.size()) continue;
    for (uint64_t w = a.start / window, s = a.start; s < a.end && w < hops.size(); ++w) {
      const uint64_t upto = std::min(a.end, (w + 1) * window);
      shares[w].push_back({a.op, a.unit, double(upto - s)});
      op_all[a.op] += double(upto - s);
      core_all[a.unit] += double(upto - s);
      s = upto;
    }
  }
  double unplaced = 0;
  for (size_t w = 0; w < hops.size(); ++w) {
    const double pj = total * hops[w] / all_hops;
    double cycles = 0;
    for (const Share& s : shares[w]) cycles += s.cycles;
    if (cycles == 0) {
      unplaced += pj;
      continue;
    }
    for (const Share& s : shares[w]) {
      by_op[s.op] += pj * s.cycles / cycles;
      by_core[s.core] += pj * s.cycles / cycles;
    }
  }
  spread(unplaced, op_all, by_op);
  spread(unplaced, core_all, by_core);
}

}  // namespace

// The plan carries every op's fidelity and format as the mapper chose them; the graph is not needed.
EnergyReport compute_energy(const ArchConfig& config, const Graph& /*graph*/, const Plan& plan, const RunResult& run) {
  const EnergyConfig& e = config.energy;
  const size_t ops = plan.ops.size(), cores = plan.cores.size();
  EnergyReport r;
  ActionCounts& n = r.counts;
  for (const std::string& c : kEnergyComponents) r.by_component_pj[c] = 0;
  r.by_op_pj.assign(ops, 0);
  r.by_core_pj.assign(cores, 0);
  r.op_math_pj.assign(ops, 0);
  r.op_data_pj.assign(ops, 0);

  // The table holds at the V/f curve's top point; a chip set to a lower clock runs at a lower voltage.
  const double clock_mhz = config.chip.clock_ghz * 1000;
  const double nominal_mhz = config.power.vf_curve.empty() ? clock_mhz : config.power.vf_curve.back().first;
  const double v = vdd_mv(config.power, clock_mhz) / vdd_mv(config.power, nominal_mhz);
  const double dynamic = v * v;  // dynamic energy per action scales with V^2
  auto charge = [&](const char* component, double pj, int op, int core) {
    pj *= dynamic;
    r.by_component_pj[component] += pj;
    if (op >= 0 && size_t(op) < ops) {
      r.by_op_pj[op] += pj;
      const std::string c = component;
      (c == "mac" || c == "vector" ? r.op_math_pj : r.op_data_pj)[op] += pj;
    }
    if (core >= 0 && size_t(core) < cores) r.by_core_pj[core] += pj;
  };

  std::vector<double> op_dram(ops, 0);
  for (size_t c = 0; c < cores; ++c) {
    const CoreProgram& prog = plan.cores[c];
    const int core = int(c);
    for (const ComputeCmd& cmd : prog.compute) {
      if (cmd.macs) {
        // The fidelity and format the mapper chose for the op (the trace's, the op-by-op rule's or the defaults).
        const OpPlan& op = plan.ops[size_t(cmd.op)];
        const int phases = fidelity_phases(op.fidelity);
        n.macs += cmd.macs;
        n.mac_phases += cmd.macs * uint64_t(phases);
        charge("mac", double(cmd.macs) * phases * e.mac_pj[int(op.format)], cmd.op, core);
      }
      const double vector_instr = double(cmd.vector_tiles) * e.vector_instructions_per_tile;
      n.vector_instructions += uint64_t(vector_instr);
      charge("vector", vector_instr * e.vector_op_pj, cmd.op, core);
      n.sram_read_bytes += cmd.unpack_bytes();
      charge("sram_read", double(cmd.unpack_bytes()) * e.sram_read_pj_per_byte, cmd.op, core);
      n.sram_write_bytes += cmd.pack_bytes;
      charge("sram_write", double(cmd.pack_bytes) * e.sram_write_pj_per_byte, cmd.op, core);
      n.reshape_bytes += cmd.reshape.bytes;
      charge("reshape", double(cmd.reshape.bytes) * e.reshape_pj_per_byte, cmd.op, core);
    }
    for (const DramReadCmd& cmd : prog.reader) {
      // DRAM data lands in every destination core's SRAM.
      for (int dst : cmd.dst_cores) {
        n.sram_write_bytes += cmd.bytes;
        charge("sram_write", double(cmd.bytes) * e.sram_write_pj_per_byte, cmd.op, dst);
      }
      op_dram[cmd.op] += double(cmd.bytes);
    }
    for (const SendCmd& cmd : prog.writer) {
      const uint64_t read = cmd.compressed ? cmd.raw_bytes : cmd.bytes;
      n.sram_read_bytes += read;
      charge("sram_read", double(read) * e.sram_read_pj_per_byte, cmd.op, core);
      if (cmd.compressed) {
        n.compress_bytes += cmd.raw_bytes;
        charge("compress", double(cmd.raw_bytes) * e.compress_pj_per_byte, cmd.op, core);
        // Decompressed where it lands; data staged in DRAM is decompressed once when it is read back.
        const size_t receivers = cmd.to_dram ? 1 : cmd.dst_cores.size();
        for (size_t i = 0; i < receivers; ++i) {
          const int at = cmd.to_dram ? (cmd.dst_cores.empty() ? core : cmd.dst_cores[0]) : cmd.dst_cores[i];
          n.decompress_bytes += cmd.raw_bytes;
          charge("decompress", double(cmd.raw_bytes) * e.decompress_pj_per_byte, cmd.op, at);
        }
      }
      if (cmd.to_dram) {
        op_dram[cmd.op] += double(cmd.bytes);
      } else {
        for (int dst : cmd.dst_cores) {
          n.sram_write_bytes += cmd.bytes;
          charge("sram_write", double(cmd.bytes) * e.sram_write_pj_per_byte, cmd.op, dst);
        }
      }
    }
  }

  // NoC and DRAM totals come from what the run measured; the Plan only says who caused them.
  n.noc_flits = uint64_t(run.stats.get("noc.flits"));
  n.noc_flit_hops = uint64_t(run.stats.get("noc.flit_hops"));
  n.noc_router_traversals = n.noc_flit_hops + n.noc_flits;
  const double router_pj = double(n.noc_router_traversals) * e.noc_router_pj_per_flit * dynamic;
  const double link_pj = double(n.noc_flit_hops) * e.noc_link_pj_per_flit * dynamic;
  r.by_component_pj["noc_router"] = router_pj;
  r.by_component_pj["noc_link"] = link_pj;
  spread_noc_energy(router_pj + link_pj, run, r.by_op_pj, r.by_core_pj);
  const int channels = int(config.dram.positions.size());
  for (int ch = 0; ch < channels; ++ch) {
    const std::string p = "dram." + std::to_string(ch) + ".";
    n.dram_bytes += uint64_t(run.stats.get(p + "bytes_read") + run.stats.get(p + "bytes_written"));
  }
  const double dram_pj = double(n.dram_bytes) * e.dram_pj_per_byte;
  r.by_component_pj["dram"] = dram_pj;
  spread(dram_pj, op_dram, r.by_op_pj);

  // Static power over the simulated time: compute cores, every router of every network, DRAM channels.
  r.seconds = double(run.total_cycles) / (config.chip.clock_ghz * 1e9);
  const size_t routers = noc::networks_for(config.noc).size() * size_t(config.chip.grid_width) * size_t(config.chip.grid_height);
  // Leakage scales with V, clock power with V^2 x clock (docs/energy.md).
  const double core_static = e.core_static_mw * v * 1e-3 * r.seconds * 1e12;  // pJ per core
  const double core_clock = e.core_clock_mw * dynamic * clock_mhz / nominal_mhz * 1e-3 * r.seconds * 1e12;
  r.by_component_pj["static_core"] = core_static * double(cores);
  r.by_component_pj["clock_core"] = core_clock * double(cores);
  for (double& v : r.by_core_pj) v += core_static + core_clock;
  r.by_component_pj["static_router"] = e.router_static_mw * v * 1e-3 * r.seconds * 1e12 * double(routers);
  r.by_component_pj["static_dram"] = e.dram_channel_static_mw * 1e-3 * r.seconds * 1e12 * double(channels);
  // Ops take the static energy in proportion to how long they ran (compute and sends, as in the report).
  const std::vector<OpSpan> spans = op_spans(run.activities, ops, !plan.launches.empty());
  std::vector<double> op_time(ops, 0);
  for (size_t i = 0; i < ops; ++i) op_time[i] = double(spans[i].cycles());
  spread(r.by_component_pj["static_core"] + r.by_component_pj["clock_core"] + r.by_component_pj["static_router"] +
             r.by_component_pj["static_dram"],
         op_time, r.by_op_pj);

  for (const auto& [name, pj] : r.by_component_pj) r.total_pj += pj;
  r.average_power_w = r.seconds > 0 ? r.total_pj * 1e-12 / r.seconds : 0;
  int64_t graph_macs = 0;
  for (const OpPlan& o : plan.ops) graph_macs += o.macs;
  r.tops_per_watt = r.total_pj > 0 ? 2.0 * double(graph_macs) / (r.total_pj * 1e-12) / 1e12 : 0;
  return r;
}

}  // namespace tessera
