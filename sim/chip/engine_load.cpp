#include "sim/chip/engine_load.h"

#include <algorithm>
#include <string>
#include <utility>

namespace tessera {
namespace {

using Spans = std::vector<std::pair<uint64_t, uint64_t>>;

// Cycles of the union of `spans` that fall in each window of `window` cycles.
std::vector<double> busy_per_window(Spans& spans, uint64_t window, size_t windows) {
  std::vector<double> out(windows, 0);
  std::sort(spans.begin(), spans.end());
  auto add = [&](uint64_t s, uint64_t e) {
    for (uint64_t w = s / window; s < e && w < windows; ++w) {
      const uint64_t upto = std::min(e, (w + 1) * window);
      out[w] += double(upto - s);
      s = upto;
    }
  };
  uint64_t start = 0, end = 0;
  bool open = false;
  for (const auto& [s, e] : spans) {
    if (e <= s) continue;
    if (open && s <= end) {
      end = std::max(end, e);
      continue;
    }
    if (open) add(start, end);
    start = s, end = e, open = true;
  }
  if (open) add(start, end);
  return out;
}

}  // namespace

void record_engine_load(const std::vector<Activity>& activities, const Plan& plan, size_t dram_channels,
                        StatsRegistry& stats) {
  const uint64_t window = stats.window_cycles();
  const size_t windows = stats.window_count();
  const size_t cores = plan.cores.size();
  std::vector<Spans> core_spans(cores * kEngineCount), dram_spans(dram_channels);
  for (const Activity& a : activities) {
    if (a.engine == Engine::dram) {
      if (size_t(a.unit) < dram_channels) dram_spans[a.unit].push_back({a.start, a.end});
    } else if (size_t(a.unit) < cores) {
      core_spans[size_t(a.unit) * kEngineCount + size_t(a.engine)].push_back({a.start, a.end});
    }
  }
  for (int e = 0; e < kEngineCount; ++e) {
    const Engine engine = Engine(e);
    if (engine == Engine::dram) continue;
    const std::string name = to_string(engine);
    std::vector<double> all(windows, 0);
    for (size_t c = 0; c < cores; ++c) {
      std::vector<double> busy = busy_per_window(core_spans[c * kEngineCount + size_t(e)], window, windows);
      for (size_t w = 0; w < windows; ++w) all[w] += busy[w];
      const GridPos& p = plan.cores[c].pos;
      stats.set_series("core." + std::to_string(p.x) + "_" + std::to_string(p.y) + "." + name + ".busy_cycles",
                       std::move(busy), "cycles", "cycles the core's " + name + " engine was busy", true);
    }
    stats.set_series("core.all." + name + ".busy_cycles", std::move(all), "cycles",
                     "cycles the " + name + " engines were busy, summed over the compute cores", false);
  }
  std::vector<double> all(windows, 0);
  for (Spans& spans : dram_spans) {
    const std::vector<double> busy = busy_per_window(spans, window, windows);
    for (size_t w = 0; w < windows; ++w) all[w] += busy[w];
  }
  stats.set_series("dram.all.busy_cycles", std::move(all), "cycles",
                   "cycles the DRAM channels were busy with the recorded transfers, summed over the channels", false);
}

}  // namespace tessera
