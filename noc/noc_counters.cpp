#include "noc/noc_counters.h"

#include <algorithm>
#include <stdexcept>

#include "sim/base/stats_registry.h"

namespace tessera::noc {

static_assert(NocCounters::kWindows == kMaxStatWindows, "one window limit for the NoC and the run");

NocCounters::NocCounters(const std::vector<Network>& networks) : networks_(networks) {
  size_t links = 0;
  for (const Network& n : networks) links += static_cast<size_t>(n.grid.nodes()) * kNumLinkDirections;
  link_flits.assign(links, 0);
  placed_.assign(links, 0);
  pending_window_.assign(links, 0);
}

void NocCounters::count_link_flits(int link, uint64_t count, uint64_t first_cycle) {
  if (count == 0) return;
  const uint64_t last_cycle = first_cycle + count - 1;
  link_flits[link] += count;
  flit_hops += count;
  placed_[link] += count;
  if ((last_cycle >> window_shift_) >= kWindows) widen(last_cycle);
  if (windows_.empty()) windows_.assign(kWindows * link_flits.size(), 0);
  // One flit per cycle: each window gets the cycles of [first_cycle, last_cycle] that fall in it.
  for (uint64_t at = first_cycle; at <= last_cycle;) {
    const uint64_t w = at >> window_shift_;
    const uint64_t window_end = (w + 1) << window_shift_;  // first cycle of the next window
    const uint64_t upto = std::min(last_cycle + 1, window_end);
    windows_[w * link_flits.size() + size_t(link)] += upto - at;
    at = upto;
  }
}

void NocCounters::place(int link, uint64_t window, uint64_t flits) {
  if (flits == 0) return;
  if (windows_.empty()) windows_.assign(kWindows * link_flits.size(), 0);
  windows_[window * link_flits.size() + size_t(link)] += flits;
  placed_[link] += flits;
}

void NocCounters::settle(int link, uint64_t cycle) {
  if ((cycle >> window_shift_) >= kWindows) widen(cycle);
  place(link, pending_window_[link], link_flits[link] - placed_[link]);
  pending_window_[link] = cycle >> window_shift_;
}

void NocCounters::widen(uint64_t cycle) {
  while ((cycle >> window_shift_) >= kWindows) {
    const size_t links = link_flits.size();
    if (!windows_.empty()) {
      for (size_t w = 0; w < kWindows / 2; ++w)
        for (size_t l = 0; l < links; ++l) windows_[w * links + l] = windows_[2 * w * links + l] + windows_[(2 * w + 1) * links + l];
      std::fill(windows_.begin() + (kWindows / 2) * links, windows_.end(), 0);
    }
    for (uint64_t& w : pending_window_) w /= 2;
    ++window_shift_;
  }
}

std::vector<uint64_t> NocCounters::link_window_flits(int link, uint64_t window, size_t windows) const {
  if (window < window_cycles() || (window & (window - 1)) != 0)
    throw std::logic_error("NoC statistics window of " + std::to_string(window) + " cycles: expected a power of two "
                           "of at least " + std::to_string(window_cycles()));
  std::vector<uint64_t> out(windows, 0);
  const uint64_t fold = window / window_cycles();
  auto place = [&](uint64_t w, uint64_t flits) {
    const uint64_t into = w / fold;
    if (into >= windows)
      throw std::logic_error("NoC flits recorded after the last statistics window (cycle " +
                             std::to_string(w * window_cycles()) + ")");
    out[into] += flits;
  };
  for (size_t w = 0; w < windows_.size() / link_flits.size(); ++w) {
    const uint64_t flits = windows_[w * link_flits.size() + size_t(link)];
    if (flits != 0) place(w, flits);
  }
  // Flits count_link_flit() counted and has not placed yet.
  if (link_flits[link] != placed_[link]) place(pending_window_[link], link_flits[link] - placed_[link]);
  return out;
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
  if (stats.window_cycles() == 0) {
    // A run of the NoC alone: its own window, up to the last window any flit landed in.
    size_t used = 1;
    for (size_t link = 0; link < link_flits.size(); ++link)
      if (link_flits[link] != placed_[link]) used = std::max<size_t>(used, pending_window_[link] + 1);
    for (size_t w = windows_.size() / link_flits.size(); w > used; --w)
      for (size_t link = 0; link < link_flits.size() && used < w; ++link)
        if (windows_[(w - 1) * link_flits.size() + link] != 0) used = w;
    stats.set_windows(window_cycles(), used);
  }
  const uint64_t window = stats.window_cycles();
  const size_t windows = stats.window_count();
  std::vector<double> all_links(windows, 0);
  for (size_t net = 0; net < networks_.size(); ++net) {
    const Grid& grid = networks_[net].grid;
    const std::string base = prefix + (networks_.size() > 1 ? "noc" + std::to_string(net) + "." : "");
    std::array<std::vector<double>, kNumLinkDirections> by_direction;
    for (auto& d : by_direction) d.assign(windows, 0);
    for (int node = 0; node < grid.nodes(); ++node) {
      for (int dir = 0; dir < kNumLinkDirections; ++dir) {
        const int link = link_id(static_cast<int>(net), grid.nodes(), node, dir);
        if (link_flits[link] == 0) continue;
        const std::vector<uint64_t> per_window = link_window_flits(link, window, windows);
        std::vector<double> series(per_window.begin(), per_window.end());
        for (size_t w = 0; w < windows; ++w) {
          by_direction[dir][w] += series[w];
          all_links[w] += series[w];
        }
        stats.set_series(base + "link." + link_name(grid, node, dir) + ".flits", std::move(series), "flits",
                         "flits that crossed the link (one per cycle at most: also its busy cycles)", true);
      }
    }
    for (int dir = 0; dir < kNumLinkDirections; ++dir)
      stats.set_series(base + "direction." + direction_name(dir) + ".flits", std::move(by_direction[dir]), "flits",
                       std::string("flits that crossed the ") + direction_name(dir) + "ward links", false);
  }
  double placed = 0;
  for (double v : all_links) placed += v;
  if (placed != static_cast<double>(flit_hops))
    throw std::logic_error("NoC windows hold " + std::to_string(placed) + " flit-hops of " + std::to_string(flit_hops));
  stats.set_series(prefix + "flit_hops", std::move(all_links), "flits", "flits times router-to-router links crossed",
                   false);
  stats.add(prefix + "messages", static_cast<double>(messages), "count", "messages delivered");
  stats.add(prefix + "payload_bytes", static_cast<double>(payload_bytes), "bytes",
            "payload bytes of the messages injected (a multicast counts once)");
  stats.add(prefix + "packets", static_cast<double>(packets), "count", "packets injected");
  stats.add(prefix + "flits", static_cast<double>(flits), "flits", "flits injected, header flits included");
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
