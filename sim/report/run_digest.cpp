#include "sim/report/run_digest.h"

#include "noc/routing.h"

namespace tessera {

std::string core_stat(const Plan& plan, int core, Engine engine) {
  const GridPos& p = plan.cores[size_t(core)].pos;
  return "core." + std::to_string(p.x) + "_" + std::to_string(p.y) + "." + to_string(engine) + ".";
}

std::string network_label(int network, int networks) {
  return networks > 1 ? "NoC" + std::to_string(network) : "NoC";
}

RunDigest digest_run(const ArchConfig& config, const Plan& plan, const RunResult& run) {
  RunDigest d;
  d.total_cycles = run.total_cycles;
  const size_t cores = plan.cores.size();
  d.engine_busy.resize(cores);
  for (size_t c = 0; c < cores; ++c)
    for (size_t e = 0; e < kCoreEngines.size(); ++e)
      d.engine_busy[c][e] = uint64_t(run.stats.get(core_stat(plan, int(c), kCoreEngines[e]) + "busy_cycles"));

  const std::vector<noc::Network> nets = noc::networks_for(config.noc);
  d.networks = int(nets.size());
  for (size_t n = 0; n < nets.size(); ++n) {
    const noc::Grid& g = nets[n].grid;
    const std::string base = "noc." + (nets.size() > 1 ? "noc" + std::to_string(n) + "." : std::string()) + "link.";
    for (int node = 0; node < g.nodes(); ++node) {
      for (int dir = 0; dir < noc::kNumLinkDirections; ++dir) {
        const int to = g.neighbor(node, dir);
        if (to < 0) continue;
        LinkUsage l;
        l.network = int(n);
        l.x = g.x(node);
        l.y = g.y(node);
        l.direction = dir;
        l.to_x = g.x(to);
        l.to_y = g.y(to);
        l.flits = uint64_t(run.stats.get(base + noc::link_name(g, node, dir) + ".flits"));
        l.busy_cycles = l.flits;
        l.utilization = run.total_cycles ? double(l.busy_cycles) / double(run.total_cycles) : 0;
        d.links.push_back(l);
      }
    }
  }
  return d;
}

}  // namespace tessera
