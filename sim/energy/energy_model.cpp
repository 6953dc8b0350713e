#include "sim/energy/energy_model.h"

#include <algorithm>

#include "noc/packetization.h"
#include "noc/routing.h"

namespace tessera {

const std::vector<std::string> kEnergyComponents = {
    "mac", "vector", "sram_read", "sram_write", "compress", "decompress", "reshape",
    "noc_router", "noc_link", "dram", "static_core", "static_router", "static_dram"};

namespace {

// The format the matrix unit multiplies in for an op: the op's own, else its output's, else the default
// (the mapper's rule in map_context.cpp).
DataFormat math_format(const ArchConfig& config, const Graph& graph, const Op& op) {
  if (op.format) return *op.format;
  if (!op.outputs.empty()) {
    const Tensor& t = graph.tensors[op.outputs[0]];
    if (t.format) return *t.format;
  }
  return config.mapper.default_format;
}

// Estimated flit-hops of one message, used only to split the measured NoC energy over ops and cores: flits
// times the links of the shortest route tree over the available networks.
class NocEstimator {
 public:
  explicit NocEstimator(const ArchConfig& config) : config_(config), networks_(noc::networks_for(config.noc)) {}

  double flit_hops(int src, const std::vector<int>& dsts, uint64_t bytes) {
    uint64_t flits = 0;
    for (uint32_t f : noc::packet_flit_counts(config_.noc, bytes)) flits += f;
    size_t links = SIZE_MAX;
    for (const noc::Network& n : networks_) {
      noc::build_route_tree(n, src, dsts, 0, tree_);
      links = std::min(links, tree_.edges.size());
    }
    return double(flits) * double(links + 1);  // +1: the source router also handles every flit
  }

 private:
  const ArchConfig& config_;
  std::vector<noc::Network> networks_;
  noc::RouteTree tree_;
};

// Spreads `total` over buckets in proportion to `weights`; evenly when every weight is zero.
void spread(double total, const std::vector<double>& weights, std::vector<double>& into) {
  double sum = 0;
  for (double w : weights) sum += w;
  if (weights.empty() || total == 0) return;
  for (size_t i = 0; i < weights.size(); ++i)
    into[i] += sum > 0 ? total * weights[i] / sum : total / double(weights.size());
}

}  // namespace

EnergyReport compute_energy(const ArchConfig& config, const Graph& graph, const Plan& plan, const RunResult& run) {
  const EnergyConfig& e = config.energy;
  const size_t ops = plan.ops.size(), cores = plan.cores.size();
  EnergyReport r;
  ActionCounts& n = r.counts;
  for (const std::string& c : kEnergyComponents) r.by_component_pj[c] = 0;
  r.by_op_pj.assign(ops, 0);
  r.by_core_pj.assign(cores, 0);

  auto charge = [&](const char* component, double pj, int op, int core) {
    r.by_component_pj[component] += pj;
    if (op >= 0 && size_t(op) < ops) r.by_op_pj[op] += pj;
    if (core >= 0 && size_t(core) < cores) r.by_core_pj[core] += pj;
  };

  std::vector<double> op_noc(ops, 0), core_noc(cores, 0), op_dram(ops, 0);
  NocEstimator estimator(config);
  for (size_t c = 0; c < cores; ++c) {
    const CoreProgram& prog = plan.cores[c];
    const int core = int(c);
    for (const ComputeCmd& cmd : prog.compute) {
      if (cmd.macs) {
        const Op& op = graph.ops[cmd.op];
        const Fidelity fid = op.fidelity ? *op.fidelity : config.mapper.default_fidelity;
        const int phases = fidelity_phases(fid);
        n.macs += cmd.macs;
        n.mac_phases += cmd.macs * uint64_t(phases);
        charge("mac", double(cmd.macs) * phases * e.mac_pj[int(math_format(config, graph, op))], cmd.op, core);
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
      std::vector<int> dst_nodes;
      for (int dst : cmd.dst_cores) dst_nodes.push_back(config.node_id(plan.cores[dst].pos));
      const double w = estimator.flit_hops(config.node_id(config.dram.positions[cmd.channel]), dst_nodes, cmd.bytes);
      op_noc[cmd.op] += w;
      core_noc[c] += w;
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
      std::vector<int> dst_nodes;
      if (cmd.to_dram) {
        dst_nodes.push_back(config.node_id(config.dram.positions[cmd.channel]));
        op_dram[cmd.op] += double(cmd.bytes);
      } else {
        for (int dst : cmd.dst_cores) {
          dst_nodes.push_back(config.node_id(plan.cores[dst].pos));
          n.sram_write_bytes += cmd.bytes;
          charge("sram_write", double(cmd.bytes) * e.sram_write_pj_per_byte, cmd.op, dst);
        }
      }
      const double w = estimator.flit_hops(config.node_id(prog.pos), dst_nodes, cmd.bytes);
      op_noc[cmd.op] += w;
      core_noc[c] += w;
    }
  }

  // NoC and DRAM totals come from what the run measured; the Plan only says who caused them.
  n.noc_flits = uint64_t(run.stats.get("noc.flits"));
  n.noc_flit_hops = uint64_t(run.stats.get("noc.flit_hops"));
  n.noc_router_traversals = n.noc_flit_hops + n.noc_flits;
  const double router_pj = double(n.noc_router_traversals) * e.noc_router_pj_per_flit;
  const double link_pj = double(n.noc_flit_hops) * e.noc_link_pj_per_flit;
  r.by_component_pj["noc_router"] = router_pj;
  r.by_component_pj["noc_link"] = link_pj;
  spread(router_pj + link_pj, op_noc, r.by_op_pj);
  spread(router_pj + link_pj, core_noc, r.by_core_pj);
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
  const double core_static = e.core_static_mw * 1e-3 * r.seconds * 1e12;  // pJ per core
  r.by_component_pj["static_core"] = core_static * double(cores);
  for (double& v : r.by_core_pj) v += core_static;
  r.by_component_pj["static_router"] = e.router_static_mw * 1e-3 * r.seconds * 1e12 * double(routers);
  r.by_component_pj["static_dram"] = e.dram_channel_static_mw * 1e-3 * r.seconds * 1e12 * double(channels);
  // Ops take the static energy in proportion to how long they ran (compute and sends, as in the report).
  std::vector<uint64_t> start(ops, UINT64_MAX), end(ops, 0);
  for (const Activity& a : run.activities) {
    if (a.op < 0 || size_t(a.op) >= ops || a.engine == Engine::reader || a.engine == Engine::dram) continue;
    start[a.op] = std::min(start[a.op], a.start);
    end[a.op] = std::max(end[a.op], a.end);
  }
  std::vector<double> op_time(ops, 0);
  for (size_t i = 0; i < ops; ++i) op_time[i] = end[i] > start[i] && start[i] != UINT64_MAX ? double(end[i] - start[i]) : 0;
  spread(r.by_component_pj["static_core"] + r.by_component_pj["static_router"] + r.by_component_pj["static_dram"],
         op_time, r.by_op_pj);

  for (const auto& [name, pj] : r.by_component_pj) r.total_pj += pj;
  r.average_power_w = r.seconds > 0 ? r.total_pj * 1e-12 / r.seconds : 0;
  int64_t graph_macs = 0;
  for (const OpPlan& o : plan.ops) graph_macs += o.macs;
  r.tops_per_watt = r.total_pj > 0 ? 2.0 * double(graph_macs) / (r.total_pj * 1e-12) / 1e12 : 0;
  return r;
}

}  // namespace tessera
