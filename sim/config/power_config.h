#pragma once
// Voltage, clock and the power limiter, read from the JSON section "power" (docs/energy.md). The energy
// table (EnergyConfig) prices actions at the nominal voltage: the voltage of chip.clock_ghz on vf_curve.
#include <utility>
#include <vector>

namespace tessera {

struct PowerConfig {
  // The VDD the firmware sets at each AICLK: (MHz, mV) points with rising MHz, interpolated linearly. The
  // first point is the lowest clock the limiter may choose; chip.clock_ghz is the highest and must lie on
  // the curve. Empty: voltage and clock fixed at their nominal values.
  std::vector<std::pair<double, double>> vf_curve;
  double tdp_w = 0;            // VCORE power limit; 0 turns the limiter off
  double tdc_a = 0;            // VCORE current limit; 0 turns it off
  double window_us = 1000;     // the limiter's period: it reads the power averaged over it, then steps the clock
  double board_other_w = 0;    // board power that is neither VCORE nor DRAM: regulator losses, fans, PCIe, ...
};

}  // namespace tessera
