#include "sim/report/timeline.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <map>

#include "noc/routing.h"
#include "sim/report/run_digest.h"

namespace tessera {
namespace {

struct Span {
  uint64_t start, end;
  int op;
};

// Track ids: pid 1 + core for cores (tid 1 + engine slot), pid 0 for DRAM (tid 1 + channel), and a NoC
// counter process after the cores.
struct Track {
  int pid, tid;
  bool operator<(const Track& o) const { return pid != o.pid ? pid < o.pid : tid < o.tid; }
};

// Joins spans of the same op on a track whose gap is at most `gap` cycles.
size_t merge(std::map<Track, std::vector<Span>>& tracks, uint64_t gap) {
  size_t count = 0;
  for (auto& [track, spans] : tracks) {
    std::vector<Span> out;
    for (const Span& s : spans) {
      if (!out.empty() && out.back().op == s.op && s.start <= out.back().end + gap)
        out.back().end = std::max(out.back().end, s.end);
      else
        out.push_back(s);
    }
    spans.swap(out);
    count += spans.size();
  }
  return count;
}

std::string fmt(double v) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.6f", v);
  std::string s = buf;
  while (s.size() > 1 && s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

std::string quoted(const std::string& s) { return nlohmann::json(s).dump(); }

}  // namespace

std::string timeline_json(const ArchConfig& config, const Plan& plan, const RunResult& run, size_t max_events,
                          TimelineInfo* info, const nlohmann::json* power) {
  const double us_per_cycle = 1.0 / (config.chip.clock_ghz * 1000.0);
  // Simulated time of a cycle: at the chip clock, or at each window's clock when the limiter lowered it.
  std::vector<double> window_mhz, window_start_us;
  uint64_t power_window = 0;
  if (power && power->value("throttled_fraction", 0.0) > 0) {
    power_window = (*power)["windows"]["window_cycles"].get<uint64_t>();
    window_mhz = (*power)["windows"]["clock_mhz"].get<std::vector<double>>();
    window_start_us.push_back(0);
    for (double mhz : window_mhz) window_start_us.push_back(window_start_us.back() + double(power_window) / mhz);
  }
  auto cycle_us = [&](uint64_t cycle) {
    if (window_mhz.empty() || power_window == 0) return double(cycle) * us_per_cycle;
    const size_t w = std::min<size_t>(cycle / power_window, window_mhz.size() - 1);
    return window_start_us[w] + double(cycle - w * power_window) / window_mhz[w];
  };
  std::map<Track, std::vector<Span>> tracks;
  for (const Activity& a : run.activities) {
    if (a.end <= a.start) continue;
    Track t{0, 1 + a.unit};
    if (a.engine != Engine::dram) {
      int slot = 0;
      while (kCoreEngines[slot] != a.engine) ++slot;
      t = Track{1 + a.unit, 1 + slot};
    }
    tracks[t].push_back({a.start, a.end, a.op});
  }
  size_t recorded = 0;
  for (auto& [t, spans] : tracks) {
    std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) {
      return a.start != b.start ? a.start < b.start : a.end < b.end;
    });
    recorded += spans.size();
  }
  size_t count = recorded;
  uint64_t gap = 0;
  if (count > max_events) {
    count = merge(tracks, 0);
    for (uint64_t g = 1; count > max_events && g <= 2 * run.total_cycles; g *= 2) {
      count = merge(tracks, g);
      gap = g;
    }
  }
  if (info) *info = {count, recorded, gap};

  std::string out = "{\"displayTimeUnit\":\"ns\",\"otherData\":{\"chip\":" + quoted(config.chip.name) +
                    ",\"clock_ghz\":" + fmt(config.chip.clock_ghz) + ",\"recorded_spans\":" + std::to_string(recorded) +
                    ",\"merge_gap_cycles\":" + std::to_string(gap) + "},\n\"traceEvents\":[\n";
  bool first = true;
  auto emit = [&](const std::string& e) {
    if (!first) out += ",\n";
    first = false;
    out += e;
  };
  auto meta = [&](int pid, int tid, const char* what, const std::string& name) {
    emit("{\"ph\":\"M\",\"pid\":" + std::to_string(pid) + ",\"tid\":" + std::to_string(tid) + ",\"name\":\"" + what +
         "\",\"args\":{\"name\":" + quoted(name) + "}}");
  };
  auto sort_index = [&](int pid, int index) {
    emit("{\"ph\":\"M\",\"pid\":" + std::to_string(pid) + ",\"name\":\"process_sort_index\",\"args\":{\"sort_index\":" +
         std::to_string(index) + "}}");
  };
  const int cores = int(plan.cores.size()), channels = int(config.dram.positions.size());
  // Lane k > 0 of a track gets its own thread id after all first lanes.
  const int lane_stride = std::max<int>(channels, int(kCoreEngines.size())) + 1;
  auto lane_tid = [&](const Track& t, int lane) { return t.tid + lane * lane_stride; };
  auto lane_name = [&](const Track& t) -> std::string {
    return t.pid == 0 ? "channel " + std::to_string(t.tid - 1) : to_string(kCoreEngines[size_t(t.tid - 1)]);
  };
  auto rounded_us = [&](uint64_t cycle) { return std::round(cycle_us(cycle) * 1e6) / 1e6; };
  const int noc_pid = cores + 1;
  meta(0, 0, "process_name", "DRAM");
  sort_index(0, cores + 1);
  for (int ch = 0; ch < channels; ++ch) meta(0, 1 + ch, "thread_name", "channel " + std::to_string(ch));
  for (int c = 0; c < cores; ++c) {
    const GridPos& p = plan.cores[c].pos;
    meta(1 + c, 0, "process_name", "core (" + std::to_string(p.x) + "," + std::to_string(p.y) + ")");
    sort_index(1 + c, c);
    for (size_t e = 0; e < kCoreEngines.size(); ++e) meta(1 + c, 1 + int(e), "thread_name", to_string(kCoreEngines[e]));
  }
  meta(noc_pid, 0, "process_name", "NoC, DRAM, engine utilisation and power");
  sort_index(noc_pid, cores + 2);

  // Overlapping spans on one engine (several outstanding DMA reads) go to extra lanes, so that every
  // thread's slices nest as the trace format requires.
  for (const auto& [t, spans] : tracks) {
    std::vector<uint64_t> lane_end;
    for (const Span& s : spans) {
      size_t lane = 0;
      while (lane < lane_end.size() && lane_end[lane] > s.start) ++lane;
      if (lane == lane_end.size()) {
        lane_end.push_back(0);
        if (lane > 0) meta(t.pid, lane_tid(t, int(lane)), "thread_name", lane_name(t) + " " + std::to_string(lane + 1));
      }
      lane_end[lane] = s.end;
      const std::string name = s.op >= 0 && size_t(s.op) < plan.ops.size() ? plan.ops[s.op].name : "idle";
      // Start and end are rounded the same way, so back-to-back spans stay back to back.
      const double ts = rounded_us(s.start), end = rounded_us(s.end);
      emit("{\"ph\":\"X\",\"pid\":" + std::to_string(t.pid) + ",\"tid\":" + std::to_string(lane_tid(t, int(lane))) +
           ",\"name\":" + quoted(name) + ",\"ts\":" + fmt(ts) + ",\"dur\":" + fmt(end - ts) + "}");
    }
  }

  // Counters: per statistics window of the run, the NoC's link utilisation per direction and overall, the
  // DRAM channels' and the core engines', from the load the NoC and the chip recorded (docs/report.md).
  const uint64_t window = run.stats.window_cycles();
  const size_t windows = run.stats.window_count();
  const RunDigest digest = digest_run(config, plan, run);
  std::array<double, noc::kNumLinkDirections> links{};
  for (const LinkUsage& l : digest.links) links[l.direction] += 1;
  double all_links = 0;
  for (double n : links) all_links += n;
  // Flits per window per direction, over every network (tt_dual runs each direction on one network).
  std::array<std::vector<double>, noc::kNumLinkDirections> flits;
  for (int dir = 0; dir < noc::kNumLinkDirections; ++dir) {
    flits[dir].assign(windows, 0);
    for (int n = 0; n < digest.networks; ++n) {
      const std::string name = "noc." + (digest.networks > 1 ? "noc" + std::to_string(n) + "." : std::string()) +
                               "direction." + noc::direction_name(dir) + ".flits";
      const std::vector<double>& recorded = run.stats.windows(name);
      for (size_t w = 0; w < windows && w < recorded.size(); ++w) flits[dir][w] += recorded[w];
    }
  }
  const std::vector<double>& dram_busy = run.stats.windows("dram.all.busy_cycles");
  std::array<const std::vector<double>*, kCoreEngines.size()> engine_busy;
  for (size_t e = 0; e < kCoreEngines.size(); ++e)
    engine_busy[e] = &run.stats.windows(std::string("core.all.") + to_string(kCoreEngines[e]) + ".busy_cycles");
  for (size_t w = 0; w < windows; ++w) {
    // The last window ends with the run.
    const double cycles = double(std::min<uint64_t>(window, run.total_cycles - std::min(run.total_cycles, w * window)));
    if (cycles <= 0) break;
    std::string args;
    double busy_all = 0;
    for (int dir = 0; dir < noc::kNumLinkDirections; ++dir) {
      busy_all += flits[dir][w];
      // Ideal links have unlimited bandwidth and can carry more than one flit per cycle: shown at 100%.
      args += std::string(",\"") + noc::direction_name(dir) + "\":" +
              fmt(links[dir] > 0 ? std::min(100.0, 100.0 * flits[dir][w] / (links[dir] * cycles)) : 0);
    }
    const double all_pct = all_links > 0 ? std::min(100.0, 100.0 * busy_all / (all_links * cycles)) : 0;
    const double dram = w < dram_busy.size() ? dram_busy[w] : 0;
    const double dram_pct = channels ? 100.0 * dram / (double(channels) * cycles) : 0;
    const std::string ts = fmt(cycle_us(w * window));
    emit("{\"ph\":\"C\",\"pid\":" + std::to_string(noc_pid) + ",\"name\":\"NoC link utilisation %\",\"ts\":" + ts +
         ",\"args\":{\"all links\":" + fmt(all_pct) + "}}");
    emit("{\"ph\":\"C\",\"pid\":" + std::to_string(noc_pid) + ",\"name\":\"NoC link utilisation by direction %\",\"ts\":" +
         ts + ",\"args\":{" + args.substr(1) + "}}");
    emit("{\"ph\":\"C\",\"pid\":" + std::to_string(noc_pid) + ",\"name\":\"DRAM utilisation %\",\"ts\":" + ts +
         ",\"args\":{\"mean over channels\":" + fmt(dram_pct) + "}}");
    std::string engines;
    for (size_t e = 0; e < kCoreEngines.size(); ++e) {
      const double busy = w < engine_busy[e]->size() ? (*engine_busy[e])[w] : 0;
      engines += std::string(",\"") + to_string(kCoreEngines[e]) + "\":" +
                 fmt(cores ? 100.0 * busy / (double(cores) * cycles) : 0);
    }
    emit("{\"ph\":\"C\",\"pid\":" + std::to_string(noc_pid) + ",\"name\":\"Engine utilisation %\",\"ts\":" + ts +
         ",\"args\":{" + engines.substr(1) + "}}");
    // Power windows are the statistics windows (sim/energy/power_model.h).
    if (power && w < (*power)["windows"]["vcore_w"].size()) {
      const nlohmann::json& pw = (*power)["windows"];
      emit("{\"ph\":\"C\",\"pid\":" + std::to_string(noc_pid) + ",\"name\":\"Power W\",\"ts\":" + ts +
           ",\"args\":{\"VCORE\":" + fmt(pw["vcore_w"][w].get<double>()) + ",\"board\":" +
           fmt(pw["board_w"][w].get<double>()) + "}}");
      emit("{\"ph\":\"C\",\"pid\":" + std::to_string(noc_pid) + ",\"name\":\"AICLK MHz\",\"ts\":" + ts +
           ",\"args\":{\"clock\":" + fmt(pw["clock_mhz"][w].get<double>()) + "}}");
    }
  }
  out += "\n]}\n";
  return out;
}

}  // namespace tessera
