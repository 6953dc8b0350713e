#include "sim/energy/power_model.h"

#include <algorithm>
#include <cmath>

#include "noc/routing.h"
#include "sim/energy/power_limiter.h"
#include "sim/program/op_spans.h"

namespace tessera {
namespace {

// Adds `pj` to the windows that the cycles [start, end) fall in, in proportion to the cycles in each.
void place(double pj, uint64_t start, uint64_t end, uint64_t window, std::vector<double>& into) {
  if (end <= start || into.empty()) return;
  const double per_cycle = pj / double(end - start);
  for (uint64_t s = start; s < end;) {
    const size_t w = std::min<size_t>(s / window, into.size() - 1);
    const uint64_t upto = w + 1 == into.size() ? end : std::min(end, (w + 1) * window);
    into[w] += per_cycle * double(upto - s);
    s = upto;
  }
}

// Spreads `pj` over the windows in proportion to `weights` (a recorded series); by cycles when it is empty.
void place_by(double pj, const std::vector<double>& weights, const std::vector<uint64_t>& cycles, std::vector<double>& into) {
  double sum = 0;
  for (double v : weights) sum += v;
  double all = 0;
  for (uint64_t c : cycles) all += double(c);
  for (size_t w = 0; w < into.size(); ++w)
    into[w] += sum > 0 ? (w < weights.size() ? pj * weights[w] / sum : 0) : (all > 0 ? pj * double(cycles[w]) / all : 0);
}

}  // namespace

double vdd_mv(const PowerConfig& power, double mhz) {
  const auto& c = power.vf_curve;
  if (c.empty()) return 1000;  // any constant: only ratios to the nominal voltage are used
  if (mhz <= c.front().first) return c.front().second;
  if (mhz >= c.back().first) return c.back().second;
  size_t i = 1;
  while (c[i].first < mhz) ++i;
  const double t = (mhz - c[i - 1].first) / (c[i].first - c[i - 1].first);
  return c[i - 1].second + t * (c[i].second - c[i - 1].second);
}

WindowEnergy window_energy(const ArchConfig& config, const Plan& plan, const RunResult& run, const EnergyReport& energy) {
  WindowEnergy e;
  // The energy table holds at the curve's top point (the preset's nominal clock and voltage); the chip runs
  // at chip.clock_ghz, which may be lower (--set chip.clock_ghz=1.0 lowers the voltage with it).
  e.clock_mhz = config.chip.clock_ghz * 1000;
  e.nominal_mhz = config.power.vf_curve.empty() ? e.clock_mhz : config.power.vf_curve.back().first;
  e.nominal_mv = vdd_mv(config.power, e.nominal_mhz);
  const uint64_t total = run.total_cycles;
  uint64_t window = run.stats.window_cycles();
  size_t count = run.stats.window_count();
  if (window == 0 || count == 0) window = std::max<uint64_t>(total, 1), count = 1;
  e.cycles.resize(count);
  for (size_t w = 0; w < count; ++w)
    e.cycles[w] = w + 1 == count ? total - std::min(total, w * window) : window;
  e.vcore_dyn_pj.assign(count, 0);
  e.dram_pj.assign(count, 0);

  // Each op's engine energy goes where its engines were busy: matrix and vector work on its math spans,
  // data handling on all its core spans. An op with no recorded span is spread over the run.
  const size_t ops = plan.ops.size();
  std::vector<uint64_t> math_cycles(ops, 0), core_cycles(ops, 0);
  for (const Activity& a : run.activities) {
    if (a.op < 0 || size_t(a.op) >= ops || a.engine == Engine::dram || a.end <= a.start) continue;
    core_cycles[a.op] += a.end - a.start;
    if (a.engine == Engine::math) math_cycles[a.op] += a.end - a.start;
  }
  std::vector<double> unplaced(1, 0);
  for (const Activity& a : run.activities) {
    if (a.op < 0 || size_t(a.op) >= ops || a.engine == Engine::dram || a.end <= a.start) continue;
    const double len = double(a.end - a.start);
    double pj = energy.op_data_pj[a.op] * len / double(core_cycles[a.op]);
    if (a.engine == Engine::math) pj += energy.op_math_pj[a.op] * len / double(math_cycles[a.op]);
    else if (math_cycles[a.op] == 0) pj += energy.op_math_pj[a.op] * len / double(core_cycles[a.op]);
    place(pj, a.start, a.end, window, e.vcore_dyn_pj);
  }
  double spread_pj = 0;
  for (size_t i = 0; i < ops; ++i)
    if (core_cycles[i] == 0) spread_pj += energy.op_math_pj[i] + energy.op_data_pj[i];
  place_by(spread_pj, {}, e.cycles, e.vcore_dyn_pj);
  // NoC energy follows the recorded flit-hops, DRAM energy the channels' recorded busy cycles.
  const double noc_pj = energy.by_component_pj.at("noc_router") + energy.by_component_pj.at("noc_link");
  place_by(noc_pj, run.stats.windows("noc.flit_hops"), e.cycles, e.vcore_dyn_pj);
  place_by(energy.by_component_pj.at("dram"), run.stats.windows("dram.all.busy_cycles"), e.cycles, e.dram_pj);

  // compute_energy priced the actions at the voltage of chip.clock_ghz; the windows hold them at nominal.
  const double back = std::pow(e.nominal_mv / vdd_mv(config.power, e.clock_mhz), 2);
  for (double& pj : e.vcore_dyn_pj) pj *= back;
  const EnergyConfig& t = config.energy;
  const double routers = double(noc::networks_for(config.noc).size()) * config.chip.grid_width * config.chip.grid_height;
  const double cores = double(plan.cores.size());
  e.leakage_w = (t.core_static_mw * cores + t.router_static_mw * routers) * 1e-3;
  e.clock_w = t.core_clock_mw * cores * 1e-3;
  e.dram_static_w = t.dram_channel_static_mw * double(config.dram.positions.size()) * 1e-3;
  e.board_other_w = config.power.board_other_w;
  return e;
}

double idle_vcore_w(const WindowEnergy& e, const PowerConfig& power, double mhz) {
  const double v = vdd_mv(power, mhz) / e.nominal_mv;
  return e.leakage_w * v + e.clock_w * v * v * mhz / e.nominal_mhz;
}

double vcore_power_w(const WindowEnergy& e, const PowerConfig& power, size_t w, double mhz) {
  const double v = vdd_mv(power, mhz) / e.nominal_mv;
  const double seconds = double(e.cycles[w]) / (mhz * 1e6);
  const double dynamic = seconds > 0 ? e.vcore_dyn_pj[w] * 1e-12 * v * v / seconds : 0;
  return dynamic + idle_vcore_w(e, power, mhz);
}

double board_power_w(const WindowEnergy& e, const PowerConfig& power, size_t w, double mhz) {
  const double seconds = double(e.cycles[w]) / (mhz * 1e6);
  const double dram = seconds > 0 ? e.dram_pj[w] * 1e-12 / seconds : 0;
  return vcore_power_w(e, power, w, mhz) + dram + e.dram_static_w + e.board_other_w;
}

double PowerReport::seconds_at(uint64_t c) const {
  if (window_cycles == 0 || window_seconds.empty()) return 0;
  const size_t w = std::min<size_t>(c / window_cycles, window_seconds.size() - 1);
  double s = 0;
  for (size_t i = 0; i < w; ++i) s += window_seconds[i];
  return s + double(c - w * window_cycles) / (window_mhz[w] * 1e6);
}

namespace {

// The highest average of `watts` over any `span` seconds of the pass repeated end to end, starting at a
// window boundary: what the limiter's window sees at worst when the workload loops.
double peak_over(const std::vector<double>& watts, const std::vector<double>& seconds, double span) {
  const size_t n = watts.size();
  std::vector<double> t(2 * n + 1, 0), j(2 * n + 1, 0);  // cumulative time and energy over two passes
  for (size_t i = 0; i < 2 * n; ++i) {
    t[i + 1] = t[i] + seconds[i % n];
    j[i + 1] = j[i] + watts[i % n] * seconds[i % n];
  }
  const double pass_t = t[n], pass_j = j[n];
  if (pass_t <= 0) return 0;
  // Energy from the pass start to time x >= 0 of the looped pass.
  auto energy_to = [&](double x) {
    const double loops = std::floor(x / pass_t);
    double rest = x - loops * pass_t;
    const size_t k = std::min<size_t>(size_t(std::upper_bound(t.begin(), t.begin() + n + 1, rest) - t.begin()), n) - 1;
    const double in = seconds[k % n] > 0 ? (rest - t[k]) / seconds[k % n] : 0;
    return loops * pass_j + j[k] + in * watts[k % n] * seconds[k % n];
  };
  double peak = 0;
  for (size_t i = 0; i < n; ++i) peak = std::max(peak, (energy_to(t[i] + span) - j[i]) / span);
  return peak;
}

}  // namespace

PowerReport compute_power(const ArchConfig& config, const Plan& plan, const RunResult& run, const EnergyReport& energy) {
  const PowerConfig& p = config.power;
  const WindowEnergy e = window_energy(config, plan, run, energy);
  PowerReport r;
  r.limiter = p.tdp_w > 0 || p.tdc_a > 0;
  r.window_cycles = run.stats.window_cycles() && run.stats.window_count() ? run.stats.window_cycles()
                                                                         : std::max<uint64_t>(run.total_cycles, 1);
  r.window_mhz = r.limiter ? limit_clock(e, p) : std::vector<double>(e.cycles.size(), e.clock_mhz);
  const size_t n = e.cycles.size();
  double vcore_j = 0, board_j = 0, throttled_s = 0;
  r.min_clock_ghz = e.clock_mhz / 1000;
  for (size_t w = 0; w < n; ++w) {
    const double mhz = r.window_mhz[w];
    const double s = double(e.cycles[w]) / (mhz * 1e6);
    r.window_seconds.push_back(s);
    r.window_vcore_w.push_back(vcore_power_w(e, p, w, mhz));
    r.window_board_w.push_back(board_power_w(e, p, w, mhz));
    r.seconds += s;
    vcore_j += r.window_vcore_w[w] * s;
    board_j += r.window_board_w[w] * s;
    if (mhz < e.clock_mhz - 1e-9) throttled_s += s;
    r.min_clock_ghz = std::min(r.min_clock_ghz, mhz / 1000);
  }
  if (r.seconds > 0) {
    r.vcore_avg_w = vcore_j / r.seconds;
    r.board_avg_w = board_j / r.seconds;
    r.avg_clock_ghz = double(run.total_cycles) / r.seconds / 1e9;
    r.throttled_fraction = throttled_s / r.seconds;
  }
  const double span = p.window_us * 1e-6;
  r.vcore_peak_w = peak_over(r.window_vcore_w, r.window_seconds, span);
  r.board_peak_w = peak_over(r.window_board_w, r.window_seconds, span);
  r.idle_vcore_w = idle_vcore_w(e, p, e.clock_mhz);

  // Per op: the chip's power over the op's span, windows cut where the span cuts them.
  const std::vector<OpSpan> spans = op_spans(run.activities, plan.ops.size(), !plan.launches.empty());
  for (const OpSpan& sp : spans) {
    OpPower o;
    double vj = 0, bj = 0, secs = 0;
    if (sp.end > sp.start && sp.start != UINT64_MAX) {
      for (size_t w = std::min<size_t>(sp.start / r.window_cycles, n - 1); w < n && w * r.window_cycles < sp.end; ++w) {
        const uint64_t lo = std::max<uint64_t>(sp.start, w * r.window_cycles);
        const uint64_t hi = w + 1 == n ? sp.end : std::min<uint64_t>(sp.end, (w + 1) * r.window_cycles);
        if (hi <= lo || e.cycles[w] == 0) continue;
        const double share = double(hi - lo) / double(e.cycles[w]);
        secs += share * r.window_seconds[w];
        vj += share * r.window_seconds[w] * r.window_vcore_w[w];
        bj += share * r.window_seconds[w] * r.window_board_w[w];
      }
    }
    if (secs > 0) o = {vj / secs, bj / secs, double(sp.end - sp.start) / secs / 1e9};
    r.by_op.push_back(o);
  }
  return r;
}

}  // namespace tessera
