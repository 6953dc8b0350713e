// The energy model on a real run of the toy chip: the components sum to the total, MAC and static energy
// follow the table exactly, and the per-op split adds up.
#include <catch2/catch.hpp>

#include "sim/chip/chip.h"
#include "sim/config/config_loader.h"
#include "sim/energy/energy_model.h"
#include "sim/mapper/mapper.h"
#include "sim/workload/trace_reader.h"

using namespace tessera;

TEST_CASE("energy of a GEMM on the toy chip follows the energy table", "[energy]") {
  const ArchConfig config = load_arch_config(TESSERA_SOURCE_DIR "/configs/toy_4x4.json");
  const Graph graph = read_trace(TESSERA_SOURCE_DIR "/traces/gemm_1024.json");
  const Plan plan = map_graph(config, graph);
  Chip chip(config, plan);
  const RunResult run = chip.run();
  const EnergyReport e = compute_energy(config, graph, plan, run);

  double sum = 0;
  for (const std::string& c : kEnergyComponents) sum += e.by_component_pj.at(c);
  CHECK(e.by_component_pj.size() == kEnergyComponents.size());
  CHECK(sum == Approx(e.total_pj).epsilon(1e-12));
  double by_op = 0;
  for (double v : e.by_op_pj) by_op += v;
  CHECK(by_op == Approx(e.total_pj).epsilon(1e-9));

  // gemm_1024 is BFP8 at HiFi2: two phases per MAC at the BFP8 price.
  CHECK(e.counts.macs == uint64_t(1024) * 1024 * 1024);
  CHECK(e.counts.mac_phases == 2 * e.counts.macs);
  CHECK(e.by_component_pj.at("mac") == Approx(double(e.counts.mac_phases) * config.energy.mac_pj[int(DataFormat::bfp8)]));

  const double seconds = double(run.total_cycles) / (config.chip.clock_ghz * 1e9);
  CHECK(e.seconds == Approx(seconds));
  CHECK(e.by_component_pj.at("static_core") ==
        Approx(config.energy.core_static_mw * 1e-3 * seconds * 1e12 * double(plan.cores.size())));
  CHECK(e.by_component_pj.at("noc_link") == Approx(run.stats.get("noc.flit_hops") * config.energy.noc_link_pj_per_flit));
  CHECK(e.average_power_w == Approx(e.total_pj * 1e-12 / seconds));
  CHECK(e.tops_per_watt == Approx(2.0 * double(e.counts.macs) / (e.total_pj * 1e-12) / 1e12));
  // Every compute core does work, so each has more than its static share.
  for (double v : e.by_core_pj) CHECK(v > config.energy.core_static_mw * 1e-3 * seconds * 1e12);
}

TEST_CASE("a config without energy values gives zero energy and no error", "[energy]") {
  ArchConfig config = load_arch_config(TESSERA_SOURCE_DIR "/configs/toy_4x4.json");
  config.energy = EnergyConfig{};
  const Graph graph = read_trace(TESSERA_SOURCE_DIR "/traces/gemm_1024.json");
  const Plan plan = map_graph(config, graph);
  RunResult run;  // no simulation needed: only the Plan's counts and empty stats
  run.total_cycles = 1000;
  const EnergyReport e = compute_energy(config, graph, plan, run);
  CHECK(e.total_pj == 0);
  CHECK(e.average_power_w == 0);
  CHECK(e.tops_per_watt == 0);
  CHECK(e.counts.macs > 0);
}
