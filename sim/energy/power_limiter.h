#pragma once
// The power limiter, as Blackhole's management firmware runs it (tt-system-firmware
// lib/tenstorrent/bh_arc/throttler.c, dvfs.c): every period it reads VCORE power and current, and each
// limit's controller moves its clock ceiling by 500 MHz x (P x error + D x change of error), error being
// (limit - value) / limit; the clock is the lowest ceiling, in whole MHz, between the V/f curve's first
// point and chip.clock_ghz. Applied after the run to its statistics windows, with the workload looped
// until the controller has settled (docs/energy.md says what this approximates).
#include <vector>

#include "sim/config/power_config.h"
#include "sim/energy/power_model.h"

namespace tessera {

// Firmware constants (throttler.c): gains per limit and the MHz one unit of output moves the ceiling.
constexpr double kLimiterMhzPerOutput = 500.0;
constexpr double kTdpPGain = 0.015, kTdpDGain = 0.1, kTdpFilter = 1.0;
constexpr double kTdcPGain = 0.2, kTdcDGain = 0.0, kTdcFilter = 0.1;
// Limiter periods the workload loops for before the pass that is reported: 3 s at the firmware's 1 ms,
// about 30 time constants of the TDP controller on a chip whose power grows as clock^2.
constexpr int kLimiterSettlePeriods = 3000;

// The clock (MHz) of each window of the reported pass.
std::vector<double> limit_clock(const WindowEnergy& energy, const PowerConfig& power);

}  // namespace tessera
