// The power limiter against the clock worked out by hand: with a steady load the firmware's controller
// settles where the power equals the limit, which the test finds by bisection on the closed-form power
// P(f) = D f (V(f)/Vn)^2 + L V(f)/Vn + C (V(f)/Vn)^2 f/fn. No simulation: the windows are made up.
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>

#include "sim/energy/power_limiter.h"
#include "sim/energy/power_model.h"

using namespace tessera;

namespace {

constexpr double kLeakW = 15, kClockW = 5, kPjPerCycle = 100000;  // 100 nJ per kilocycle: 135 W at 1350 MHz

// A curve from 800 MHz / 700 mV to 1350 MHz / 900 mV, linear, like Blackhole's range.
double volts(double mhz) { return 0.7 + 0.2 * (mhz - 800) / 550; }

double power_at(double mhz, double pj_per_cycle = kPjPerCycle) {
  const double v = volts(mhz) / 0.9;
  return pj_per_cycle * 1e-12 * mhz * 1e6 * v * v + kLeakW * v + kClockW * v * v * mhz / 1350;
}

double root(const std::function<double(double)>& f, double target) {
  double lo = 800, hi = 1350;
  for (int i = 0; i < 60; ++i) ((f((lo + hi) / 2) > target) ? hi : lo) = (lo + hi) / 2;
  return lo;
}

// `windows` windows of `cycles` each, every one doing the same work per cycle.
WindowEnergy steady_load(size_t windows, uint64_t cycles, double pj_per_cycle = kPjPerCycle) {
  WindowEnergy e;
  e.cycles.assign(windows, cycles);
  e.vcore_dyn_pj.assign(windows, pj_per_cycle * double(cycles));
  e.dram_pj.assign(windows, 0);
  e.leakage_w = kLeakW;
  e.clock_w = kClockW;
  e.clock_mhz = e.nominal_mhz = 1350;
  e.nominal_mv = 900;
  return e;
}

PowerConfig curve() {
  PowerConfig p;
  p.vf_curve = {{800, 700}, {1350, 900}};
  return p;
}

}  // namespace

TEST_CASE("under a steady load the limiter settles at the clock whose VCORE power is the limit", "[power][limiter]") {
  PowerConfig p = curve();
  p.tdp_w = 110;
  REQUIRE(power_at(1350) > 110);
  const double expected = root([](double f) { return power_at(f); }, 110);
  // A run of 0.5 ms in 1024 windows: shorter than the limiter's 1 ms period, looped.
  const std::vector<double> mhz = limit_clock(steady_load(1024, 660), p);
  for (double f : mhz) CHECK(std::fabs(f - expected) <= 2);  // whole MHz, and the controller's last step
  CHECK(vcore_power_w(steady_load(1024, 660), p, 0, mhz[0]) == Approx(110).epsilon(0.01));
}

TEST_CASE("the limiter leaves the clock alone under the limit and stops at the curve's lowest clock", "[power][limiter]") {
  PowerConfig p = curve();
  p.tdp_w = 200;
  for (double f : limit_clock(steady_load(64, 10000), p)) CHECK(f == 1350);
  p.tdp_w = 30;  // below even the lowest clock's power
  REQUIRE(power_at(800) > 30);
  for (double f : limit_clock(steady_load(64, 10000), p)) CHECK(f == 800);
}

TEST_CASE("the current limit settles where VCORE power over VDD is the limit", "[power][limiter]") {
  PowerConfig p = curve();
  p.tdc_a = 130;
  const double expected = root([](double f) { return power_at(f) / volts(f); }, 130);
  REQUIRE(expected > 801);
  REQUIRE(expected < 1349);
  for (double f : limit_clock(steady_load(256, 5000), p)) CHECK(std::fabs(f - expected) <= 2);
}

TEST_CASE("a run longer than the limiter's period gets a lower clock in its heavy half, and the same every time",
          "[power][limiter]") {
  PowerConfig p = curve();
  p.tdp_w = 130;
  p.window_us = 20;  // shorter than a window: the limiter acts once per window
  // 100 ms: a heavy first half at twice the work per cycle, a light second half.
  WindowEnergy e = steady_load(1000, 135000);
  for (size_t w = 0; w < 500; ++w) e.vcore_dyn_pj[w] *= 2;
  const std::vector<double> mhz = limit_clock(e, p);
  CHECK(mhz == limit_clock(e, p));
  // By the end of each half (500 limiter periods) the controller has settled at that half's own clock.
  const double heavy = root([](double f) { return power_at(f, 2 * kPjPerCycle); }, 130);
  const double light = root([](double f) { return power_at(f); }, 130);
  REQUIRE(heavy > 801);
  REQUIRE(light < 1349);
  CHECK(std::fabs(mhz[499] - heavy) <= 3);
  CHECK(std::fabs(mhz[999] - light) <= 3);
}
