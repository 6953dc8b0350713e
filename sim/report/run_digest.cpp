#include "sim/report/run_digest.h"

#include <algorithm>

#include "noc/routing.h"

namespace tessera {
namespace {

// Cycles covered by a set of spans, counting overlaps once.
uint64_t union_length(std::vector<std::pair<uint64_t, uint64_t>>& spans) {
  std::sort(spans.begin(), spans.end());
  uint64_t total = 0, cur_start = 0, cur_end = 0;
  bool open = false;
  for (const auto& [s, e] : spans) {
    if (!open || s > cur_end) {
      if (open) total += cur_end - cur_start;
      cur_start = s;
      cur_end = e;
      open = true;
    } else {
      cur_end = std::max(cur_end, e);
    }
  }
  if (open) total += cur_end - cur_start;
  return total;
}

int engine_slot(Engine e) {
  for (size_t i = 0; i < kCoreEngines.size(); ++i)
    if (kCoreEngines[i] == e) return int(i);
  return -1;
}

}  // namespace

std::string network_label(int network, int networks) {
  return networks > 1 ? "NoC" + std::to_string(network) : "NoC";
}

RunDigest digest_run(const ArchConfig& config, const Plan& plan, const RunResult& run) {
  RunDigest d;
  d.total_cycles = run.total_cycles;
  const size_t cores = plan.cores.size(), channels = config.dram.positions.size();
  std::vector<std::array<std::vector<std::pair<uint64_t, uint64_t>>, kCoreEngines.size()>> spans(cores);
  std::vector<std::vector<std::pair<uint64_t, uint64_t>>> dram_spans(channels);
  for (const Activity& a : run.activities) {
    if (a.engine == Engine::dram) {
      if (size_t(a.unit) < channels) dram_spans[a.unit].push_back({a.start, a.end});
    } else if (size_t(a.unit) < cores) {
      spans[a.unit][engine_slot(a.engine)].push_back({a.start, a.end});
    }
  }
  d.engine_busy.resize(cores);
  for (size_t c = 0; c < cores; ++c)
    for (size_t e = 0; e < kCoreEngines.size(); ++e) d.engine_busy[c][e] = union_length(spans[c][e]);
  for (auto& s : dram_spans) d.dram_busy.push_back(union_length(s));

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
        const std::string name = base + noc::link_name(g, node, dir);
        l.flits = uint64_t(run.stats.get(name + ".flits"));
        l.busy_cycles = uint64_t(run.stats.get(name + ".busy_cycles"));
        l.utilization = run.total_cycles ? double(l.busy_cycles) / double(run.total_cycles) : 0;
        d.links.push_back(l);
      }
    }
  }
  return d;
}

}  // namespace tessera
