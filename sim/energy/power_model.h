#pragma once
// Power as the chips report it: VCORE (cores, SRAM, NoC and the chip's leakage and clock power: what
// tt-smi's `power` reads and the firmware limits) and board power (adding DRAM and the rest of the board),
// per statistics window of the run, at the clock the limiter chose for each window. Dynamic energy per
// action scales with V^2, leakage with V, clock power with V^2 x clock. docs/energy.md has the model,
// its constants and what is measured and what is estimated.
#include <cstdint>
#include <vector>

#include "sim/chip/chip.h"
#include "sim/config/arch_config.h"
#include "sim/energy/energy_model.h"
#include "sim/program/plan.h"

namespace tessera {

// VDD in mV at `mhz` on the config's V/f curve (linear between points, held beyond the ends); a constant
// when the curve is empty (only ratios to the nominal voltage matter).
double vdd_mv(const PowerConfig& power, double mhz);

// What the run spent per statistics window, at the nominal voltage, and the chip's constant draws.
struct WindowEnergy {
  std::vector<uint64_t> cycles;        // per window (the last one ends with the run)
  std::vector<double> vcore_dyn_pj;    // engines of the cores and the NoC
  std::vector<double> dram_pj;         // DRAM accesses (not on VCORE)
  double leakage_w = 0;                // cores and routers at the nominal voltage
  double clock_w = 0;                  // cores' clock power at the nominal voltage and clock
  double dram_static_w = 0;
  double board_other_w = 0;
  double clock_mhz = 0;                // chip.clock_ghz: the clock without the limiter, its ceiling with it
  double nominal_mhz = 0;              // the clock and voltage the energy table holds at (vf_curve's top)
  double nominal_mv = 0;
};

WindowEnergy window_energy(const ArchConfig& config, const Plan& plan, const RunResult& run, const EnergyReport& energy);

// VCORE power (W) of the chip doing nothing at `mhz`: leakage and clock power.
double idle_vcore_w(const WindowEnergy& e, const PowerConfig& power, double mhz);
// VCORE power (W) of window `w` run at `mhz`, and the board power with it.
double vcore_power_w(const WindowEnergy& e, const PowerConfig& power, size_t w, double mhz);
double board_power_w(const WindowEnergy& e, const PowerConfig& power, size_t w, double mhz);

struct OpPower {
  double vcore_avg_w = 0, board_avg_w = 0, avg_clock_ghz = 0;
};

struct PowerReport {
  bool limiter = false;                // tdp_w or tdc_a set
  std::vector<double> window_mhz;      // the clock of each window
  std::vector<double> window_seconds;
  std::vector<double> window_vcore_w;
  std::vector<double> window_board_w;
  double seconds = 0;                  // simulated time: each window's cycles at its clock
  double vcore_avg_w = 0, board_avg_w = 0;
  double vcore_peak_w = 0, board_peak_w = 0;  // highest average over any limiter window (the run looped)
  double idle_vcore_w = 0;             // the same chip with nothing to do, at chip.clock_ghz
  double avg_clock_ghz = 0;            // cycles / seconds
  double throttled_fraction = 0;       // share of the time below the nominal clock
  double min_clock_ghz = 0;
  std::vector<OpPower> by_op;          // chip power averaged over each op's span
  // Simulated time (s) at cycle `c` of the run, following each window's clock.
  double seconds_at(uint64_t c) const;
  uint64_t window_cycles = 0;
};

PowerReport compute_power(const ArchConfig& config, const Plan& plan, const RunResult& run, const EnergyReport& energy);

}  // namespace tessera
