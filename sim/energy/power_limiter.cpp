#include "sim/energy/power_limiter.h"

#include <algorithm>
#include <cmath>

namespace tessera {
namespace {

// One limit's controller (throttler.c: UpdateThrottler, UpdateThrottlerArb).
struct Throttler {
  bool reads_current;  // TDC reads VCORE amperes, TDP watts
  double limit, p_gain, d_gain, filter;
  double ceiling_mhz, value = 0, prev_error = 0;

  void update(double reading, double fmin, double fmax) {
    value = filter * reading + (1 - filter) * value;
    const double error = (limit - value) / limit;
    const double output = p_gain * error + d_gain * (error - prev_error);
    prev_error = error;
    ceiling_mhz = std::clamp(ceiling_mhz + output * kLimiterMhzPerOutput, fmin, fmax);
  }
};

}  // namespace

std::vector<double> limit_clock(const WindowEnergy& e, const PowerConfig& p) {
  const size_t n = e.cycles.size();
  const double fmax = e.clock_mhz, fmin = std::min(fmax, p.vf_curve.front().first);
  std::vector<Throttler> limits;
  if (p.tdp_w > 0) limits.push_back({false, p.tdp_w, kTdpPGain, kTdpDGain, kTdpFilter, fmax});
  if (p.tdc_a > 0) limits.push_back({true, p.tdc_a, kTdcPGain, kTdcDGain, kTdcFilter, fmax});
  double mhz = fmax;
  std::vector<double> out(n, fmax);
  const double period = p.window_us * 1e-6;
  double joules = 0, coulombs = 0, elapsed = 0;
  int periods = 0;
  // Loop the run: windows in order, the limiter acting at the first window boundary after each period.
  // After the settling periods, the next whole pass is the one reported.
  // A pass that ends before the period does takes its sums at once (the clock holds within a period).
  double cached_mhz = 0, pass_j = 0, pass_q = 0, pass_s = 0;
  auto pass_totals = [&] {
    if (cached_mhz == mhz) return;
    cached_mhz = mhz, pass_j = pass_q = pass_s = 0;
    for (size_t w = 0; w < n; ++w) {
      const double seconds = double(e.cycles[w]) / (mhz * 1e6), watts = vcore_power_w(e, p, w, mhz);
      pass_j += watts * seconds;
      pass_q += watts / (vdd_mv(p, mhz) * 1e-3) * seconds;
      pass_s += seconds;
    }
  };
  pass_totals();
  if (!(pass_s > 0)) return out;
  bool recording = false;
  for (;;) {
    if (periods >= kLimiterSettlePeriods && !recording) recording = true;
    else if (recording) break;
    pass_totals();
    if (!recording && elapsed + pass_s < period) {
      const double whole = std::floor((period - elapsed) / pass_s);
      joules += whole * pass_j, coulombs += whole * pass_q, elapsed += whole * pass_s;
    }
    for (size_t w = 0; w < n; ++w) {
      if (recording) out[w] = mhz;
      const double seconds = double(e.cycles[w]) / (mhz * 1e6);
      const double watts = vcore_power_w(e, p, w, mhz);
      joules += watts * seconds;
      coulombs += watts / (vdd_mv(p, mhz) * 1e-3) * seconds;
      elapsed += seconds;
      if (elapsed < period) continue;
      double ceiling = fmax;
      for (Throttler& t : limits) {
        t.update(t.reads_current ? coulombs / elapsed : joules / elapsed, fmin, fmax);
        ceiling = std::min(ceiling, t.ceiling_mhz);
      }
      mhz = std::max(fmin, std::floor(ceiling));  // the firmware's target clock is whole MHz
      joules = coulombs = elapsed = 0;
      ++periods;
    }
  }
  return out;
}

}  // namespace tessera
