// The presets' power against measured readings (docs/energy.md lists each with its source): idle VCORE
// power at the low and the full clock, and a dense GEMM on a Blackhole Galaxy chip at its 130 W limit.
#include <catch2/catch.hpp>

#include <cstdlib>

#include "sim/chip/chip.h"
#include "sim/config/config_loader.h"
#include "sim/energy/energy_model.h"
#include "sim/energy/power_model.h"
#include "sim/mapper/mapper.h"
#include "sim/workload/trace_reader.h"
#include "tests/chip/chip_run.h"

using namespace tessera;

namespace {

// The chip doing nothing at `mhz`, from the preset's constants.
double idle_w(const std::string& preset, double mhz) {
  const ArchConfig config = load_arch_config(TESSERA_SOURCE_DIR "/configs/" + preset);
  const Graph graph = read_trace(TESSERA_SOURCE_DIR "/traces/gemm_1024.json");
  const Plan plan = map_graph(config, graph);
  RunResult run;
  run.total_cycles = 1000;
  const WindowEnergy e = window_energy(config, plan, run, compute_energy(config, graph, plan, run));
  return idle_vcore_w(e, config.power, mhz);
}

}  // namespace

TEST_CASE("Wormhole n150 idles at the measured 15 W in its low-power state and 19-20 W at full clock", "[power][calibration]") {
  // tt-kmd PR#212: 15 W low-power (AICLK 500 MHz), 19-20 W high (1000 MHz); the issue's target 15-25 W.
  CHECK(idle_w("wormhole_n150.json", 500) == Approx(15).margin(1));
  const double full = idle_w("wormhole_n150.json", 1000);
  CHECK(full >= 18.5);
  CHECK(full <= 20.5);
}

TEST_CASE("Blackhole idles at about the measured 15 W at its lowest clock and 15-40 W at full clock", "[power][calibration]") {
  // tt-smi#253: about 15 W idle after a fresh boot, where the firmware holds AICLK at its 800 MHz minimum.
  CHECK(idle_w("blackhole_p150.json", 800) == Approx(15).margin(2));
  const double full = idle_w("blackhole_p150.json", 1350);
  CHECK(full >= 15);
  CHECK(full <= 40);
}

TEST_CASE("a dense BFP8 GEMM on a Galaxy Blackhole throttles to 1.2-1.3 GHz at its 130 W limit", "[power][calibration]") {
  // tt-metal#37383, #37942: Galaxy chips running matmul loops sit at the 130 W limit at 1.2-1.3 GHz. The
  // dynamic energy scale was fitted to this reading (docs/energy.md), so this checks the fit holds on the
  // run; the unlimited draw below is checked against the 130-170 W the chips' limits imply.
  nlohmann::json trace = nlohmann::json::parse(R"({"format": "tessera-trace", "version": 1, "name": "gemm4096",
    "tensors": [{"name": "a", "shape": [4096, 4096], "kind": "input", "format": "bfp8"},
                {"name": "b", "shape": [4096, 4096], "kind": "weight", "format": "bfp8"},
                {"name": "c", "shape": [4096, 4096]}],
    "ops": [{"name": "gemm", "type": "matmul", "inputs": ["a", "b"], "outputs": ["c"], "format": "bfp8",
             "fidelity": "hifi2"}]})");
  ArchConfig config = load_arch_config(TESSERA_SOURCE_DIR "/configs/blackhole_galaxy.json");
  REQUIRE(config.power.tdp_w == 130);
  REQUIRE(config.chip.compute_width * config.chip.compute_height == 130);
  const Graph graph = parse_trace(trace, "gemm4096");
  const Plan plan = map_graph(config, graph);
  Chip chip(config, plan);
  const RunResult run = chip.run();
  const EnergyReport e = compute_energy(config, graph, plan, run);
  const PowerReport limited = compute_power(config, plan, run, e);
  CHECK(limited.avg_clock_ghz >= 1.15);
  CHECK(limited.avg_clock_ghz <= 1.32);
  CHECK(limited.vcore_avg_w == Approx(130).epsilon(0.05));
  CHECK(limited.throttled_fraction == Approx(1.0));
  // Slower clock, same cycles: the time grows by the clock ratio.
  CHECK(limited.seconds == Approx(double(run.total_cycles) / (limited.avg_clock_ghz * 1e9)).epsilon(1e-9));
  config.power.tdp_w = 0;
  config.power.tdc_a = 0;
  const PowerReport free = compute_power(config, plan, run, e);
  CHECK(free.vcore_avg_w >= 130);
  CHECK(free.vcore_avg_w <= 170);
  CHECK(free.avg_clock_ghz == Approx(1.35));
}

TEST_CASE("Mixtral decode on Wormhole spends 10-30% of its VCORE energy in the NoC", "[power][calibration]") {
  // Decode streams every weight from DRAM through the NoC to the cores and does little math per byte; a
  // Tenstorrent engineer puts NoC activity at about 25% of Wormhole's power on Llama-70B decode
  // (tt-metal#19912, informal). docs/energy.md gives the range's reasoning.
  const std::string dir = test::temp_trace("mixtral_decode.json", "{}");
  const std::string command = "cd " TESSERA_SOURCE_DIR " && /usr/bin/python3 scripts/gen_moe.py --model mixtral-8x7b"
                              " --tokens 1 --batch 32 -o " + dir + " >/dev/null";
  REQUIRE(std::system(command.c_str()) == 0);
  const ArchConfig config = load_arch_config(TESSERA_SOURCE_DIR "/configs/wormhole_n150.json");
  const Graph graph = read_trace(dir);
  const Plan plan = map_graph(config, graph);
  Chip chip(config, plan);
  const RunResult run = chip.run();
  const EnergyReport e = compute_energy(config, graph, plan, run);
  const PowerReport p = compute_power(config, plan, run, e);
  const double noc_j = (e.by_component_pj.at("noc_router") + e.by_component_pj.at("noc_link")) * 1e-12;
  const double share = noc_j / (p.vcore_avg_w * p.seconds);
  CHECK(share >= 0.10);
  CHECK(share <= 0.30);
}
