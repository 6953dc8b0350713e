// VCORE and board power of a real run of the toy chip against power worked out by hand from the energy
// table, the V/f curve and the run's time; and the V^2 / V / V^2 x clock scaling at a lower clock.
#include <catch2/catch.hpp>

#include "sim/base/errors.h"
#include "sim/chip/chip.h"
#include "sim/config/config_loader.h"
#include "sim/energy/energy_model.h"
#include "sim/energy/power_model.h"
#include "sim/mapper/mapper.h"
#include "sim/workload/trace_reader.h"

using namespace tessera;

namespace {

// The toy chip (16 compute cores, 1 GHz) pricing only MACs, DRAM bytes, core leakage and clock power.
ArchConfig priced_toy() {
  ArchConfig config = load_arch_config(TESSERA_SOURCE_DIR "/configs/toy_4x4.json");
  config.energy = EnergyConfig{};
  config.energy.mac_pj[int(DataFormat::bfp8)] = 0.5;
  config.energy.dram_pj_per_byte = 20;
  config.energy.core_static_mw = 100;
  config.energy.core_clock_mw = 50;
  config.power = PowerConfig{};
  config.power.vf_curve = {{500, 700}, {1000, 800}};
  config.power.board_other_w = 3;
  return config;
}

// gemm_1024: 1024^3 BFP8 MACs at HiFi2 (two phases); A and B read once, C written once, 1024 tiles of
// 1088 bytes each.
constexpr double kMacPj = 1024.0 * 1024 * 1024 * 2 * 0.5;
constexpr double kDramPj = 3 * 1024.0 * 1088 * 20;

}  // namespace

TEST_CASE("VCORE power is the engines' energy over the run's time plus leakage and clock power", "[power]") {
  const ArchConfig config = priced_toy();
  const Graph graph = read_trace(TESSERA_SOURCE_DIR "/traces/gemm_1024.json");
  const Plan plan = map_graph(config, graph);
  Chip chip(config, plan);
  const RunResult run = chip.run();
  const EnergyReport e = compute_energy(config, graph, plan, run);
  const PowerReport p = compute_power(config, plan, run, e);

  const double seconds = double(run.total_cycles) * 1e-9;  // 1 GHz
  const double vcore = kMacPj * 1e-12 / seconds + 16 * (0.100 + 0.050);
  CHECK(p.seconds == Approx(seconds));
  CHECK(p.vcore_avg_w == Approx(vcore).epsilon(1e-9));
  CHECK(p.board_avg_w == Approx(vcore + kDramPj * 1e-12 / seconds + 3).epsilon(1e-9));
  CHECK(p.idle_vcore_w == Approx(16 * 0.150));
  CHECK(p.avg_clock_ghz == Approx(1.0));
  CHECK(p.throttled_fraction == 0);
  // The peak over the limiter's 1 ms window, longer than the run: whole passes of the looped run and at
  // most one more pass's energy, so between the average and the average x (1 + run time / window).
  REQUIRE(seconds < 1e-3);
  CHECK(p.vcore_peak_w >= vcore * (1 - 1e-9));
  CHECK(p.vcore_peak_w <= vcore * (1 + seconds / 1e-3));
  // One op, running the whole time but for the DRAM prefetch before its first compute: its power is the
  // chip's over its span, at least the average.
  REQUIRE(p.by_op.size() == 1);
  CHECK(p.by_op[0].vcore_avg_w >= p.vcore_avg_w * 0.999);
  CHECK(p.by_op[0].avg_clock_ghz == Approx(1.0));
}

TEST_CASE("at a lower clock, dynamic energy scales with V^2, leakage with V and clock power with V^2 x clock", "[power]") {
  ArchConfig config = priced_toy();
  const Graph graph = read_trace(TESSERA_SOURCE_DIR "/traces/gemm_1024.json");
  const Plan plan = map_graph(config, graph);
  Chip chip(config, plan);
  const RunResult run = chip.run();
  // The same cycles priced at 500 MHz, the curve's first point: 700 mV against the nominal 800.
  config.chip.clock_ghz = 0.5;
  const EnergyReport e = compute_energy(config, graph, plan, run);
  const PowerReport p = compute_power(config, plan, run, e);
  const double v = 700.0 / 800.0;
  const double seconds = double(run.total_cycles) / 0.5e9;
  CHECK(e.by_component_pj.at("mac") == Approx(kMacPj * v * v));
  CHECK(e.by_component_pj.at("dram") == Approx(kDramPj));  // DRAM is not on VCORE: its own rail
  CHECK(p.vcore_avg_w == Approx(kMacPj * v * v * 1e-12 / seconds + 16 * (0.100 * v + 0.050 * v * v * 0.5)).epsilon(1e-9));
  CHECK(p.idle_vcore_w == Approx(16 * (0.100 * v + 0.050 * v * v * 0.5)));
  CHECK(vdd_mv(config.power, 750) == Approx(750));  // halfway between the points
}

TEST_CASE("a bad power section is refused naming the file, the JSON path and what was expected", "[power][config]") {
  const std::string preset = TESSERA_SOURCE_DIR "/configs/wormhole_n150.json";
  auto error_of = [&](const std::string& set) {
    try {
      load_arch_config(preset, {set});
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK_THAT(error_of("power.vf_curve=[[1000, 800], [500, 700]]"),
             Catch::Contains("/power/vf_curve/1") && Catch::Contains("MHz above the previous point"));
  CHECK_THAT(error_of("power.vf_curve=[[500, 700], [900, 780]]"),
             Catch::Contains("/power/vf_curve") && Catch::Contains("covers chip.clock_ghz"));
  CHECK_THAT(error_of("power.vf_curve=[[1000, 800]]"), Catch::Contains("no error"));
  CHECK_THAT(error_of("power.tdp_w=-1"), Catch::Contains("/power/tdp_w"));
  CHECK_THAT(error_of("power.throttle=1"), Catch::Contains("/power/throttle"));
}
