// The energy model on a real run of the toy chip, against energy worked out by hand from the GEMM's
// shape and the energy table.
#include <catch2/catch.hpp>

#include "sim/chip/chip.h"
#include "sim/config/config_loader.h"
#include "sim/energy/energy_model.h"
#include "sim/mapper/mapper.h"
#include "sim/workload/trace_reader.h"

using namespace tessera;

TEST_CASE("energy of a GEMM on the toy chip is MACs and DRAM bytes priced by the table", "[energy]") {
  ArchConfig config = load_arch_config(TESSERA_SOURCE_DIR "/configs/toy_4x4.json");
  // Price only MACs, DRAM bytes and core static power, so the total can be worked out by hand.
  config.energy = EnergyConfig{};
  config.energy.mac_pj[int(DataFormat::bfp8)] = 0.5;
  config.energy.dram_pj_per_byte = 20;
  config.energy.core_static_mw = 100;
  const Graph graph = read_trace(TESSERA_SOURCE_DIR "/traces/gemm_1024.json");
  const Plan plan = map_graph(config, graph);
  Chip chip(config, plan);
  const RunResult run = chip.run();
  const EnergyReport e = compute_energy(config, graph, plan, run);

  // gemm_1024: 1024^3 MACs in BFP8 at HiFi2, two phases each.
  const double macs = 1024.0 * 1024 * 1024;
  // A and B are read from DRAM once and C written once: 32 x 32 = 1024 BFP8 tiles of 1088 bytes each.
  const double dram_bytes = 3 * 1024.0 * 1088;
  // 16 compute cores at 100 mW for the simulated time (1 GHz: cycles are ns).
  const double static_pj = 16 * 100e-3 * double(run.total_cycles) * 1e-9 * 1e12;
  CHECK(e.total_pj == Approx(macs * 2 * 0.5 + dram_bytes * 20 + static_pj).epsilon(1e-9));
  CHECK(e.by_component_pj.at("dram") == Approx(dram_bytes * 20));
  CHECK(e.average_power_w == Approx(e.total_pj * 1e-12 / (double(run.total_cycles) * 1e-9)));
  CHECK(e.tops_per_watt == Approx(2 * macs / (e.total_pj * 1e-12) / 1e12));
  // One op: all of it is the GEMM's.
  REQUIRE(e.by_op_pj.size() == 1);
  CHECK(e.by_op_pj[0] == Approx(e.total_pj));
}

TEST_CASE("NoC link energy is the recorded flit-hops priced by the table", "[energy]") {
  ArchConfig config = load_arch_config(TESSERA_SOURCE_DIR "/configs/toy_4x4.json", {"noc.model=ideal"});
  config.energy = EnergyConfig{};
  config.energy.noc_link_pj_per_flit = 1;
  const Graph graph = read_trace(TESSERA_SOURCE_DIR "/traces/gemm_1024.json");
  const Plan plan = map_graph(config, graph);
  Chip chip(config, plan);
  const RunResult run = chip.run();
  const EnergyReport e = compute_energy(config, graph, plan, run);
  // A second count of the same flit-hops: the per-window series of every direction of the one torus.
  double hops = 0;
  for (const char* dir : {"east", "west", "south", "north"})
    for (double w : run.stats.windows(std::string("noc.direction.") + dir + ".flits")) hops += w;
  CHECK(hops > 0);
  CHECK(e.total_pj == Approx(hops));
  // Every compute core's DMA engines move data, so every core gets some of it.
  for (double v : e.by_core_pj) CHECK(v > 0);
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
