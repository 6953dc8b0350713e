#include "noc/noc_counters.h"

#include "sim/base/stats_registry.h"

namespace tessera::noc {

NocCounters::NocCounters(const std::vector<Network>& networks) : networks_(networks) {
  size_t links = 0;
  for (const Network& n : networks) links += static_cast<size_t>(n.grid.nodes()) * kNumLinkDirections;
  link_flits.assign(links, 0);
  link_busy.assign(links, 0);
}

void NocCounters::record_message_latency(uint64_t cycles) {
  ++messages;
  latency_sum += cycles;
  if (cycles > latency_max) latency_max = cycles;
  int bucket = 0;
  while (bucket + 1 < static_cast<int>(latency_histogram.size()) && (uint64_t{1} << bucket) <= cycles) ++bucket;
  ++latency_histogram[bucket];
}

void NocCounters::report(StatsRegistry& stats, const std::string& prefix) const {
  for (size_t net = 0; net < networks_.size(); ++net) {
    const Grid& grid = networks_[net].grid;
    std::string base = prefix + (networks_.size() > 1 ? "noc" + std::to_string(net) + "." : "") + "link.";
    for (int node = 0; node < grid.nodes(); ++node) {
      for (int dir = 0; dir < kNumLinkDirections; ++dir) {
        int link = link_id(static_cast<int>(net), grid.nodes(), node, dir);
        const uint64_t busy = busy_is_flits ? link_flits[link] : link_busy[link];
        if (link_flits[link] == 0 && busy == 0) continue;
        std::string name = base + link_name(grid, node, dir);
        stats.add(name + ".flits", static_cast<double>(link_flits[link]), "flits", "flits that crossed the link");
        stats.add(name + ".busy_cycles", static_cast<double>(busy), "cycles",
                  "cycles the link carried a flit");
      }
    }
  }
  stats.add(prefix + "messages", static_cast<double>(messages), "count", "messages delivered");
  stats.add(prefix + "packets", static_cast<double>(packets), "count", "packets injected");
  stats.add(prefix + "flits", static_cast<double>(flits), "flits", "flits injected, header flits included");
  stats.add(prefix + "flit_hops", static_cast<double>(flit_hops), "flits",
            "flits times router-to-router links crossed");
  stats.set(prefix + "message_latency.avg", messages ? static_cast<double>(latency_sum) / messages : 0.0,
            "cycles", "mean cycles from send to delivery at the last destination");
  stats.set(prefix + "message_latency.max", static_cast<double>(latency_max), "cycles",
            "longest cycles from send to delivery");
  for (size_t b = 0; b < latency_histogram.size(); ++b) {
    if (latency_histogram[b] == 0) continue;
    uint64_t lo = b == 0 ? 0 : uint64_t{1} << (b - 1), hi = (uint64_t{1} << b) - 1;
    stats.add(prefix + "message_latency.hist." + std::to_string(lo) + "_" + std::to_string(hi),
              static_cast<double>(latency_histogram[b]), "count", "messages whose latency falls in this range");
  }
}

}  // namespace tessera::noc
