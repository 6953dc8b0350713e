#pragma once
// Energy of one run, Accelergy-style: counts of actions times the config's energy per action, plus static
// power times the simulated time. Counts come from the Plan (every command runs exactly once) and from the
// chip's recorded statistics (NoC flits and flit-hops, per window; DRAM bytes); nothing here runs inside
// the simulation. docs/energy.md lists the actions, the per-preset values and their sources.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sim/chip/chip.h"
#include "sim/config/arch_config.h"
#include "sim/program/plan.h"
#include "sim/workload/graph.h"

namespace tessera {

// The components energy is split into, in report order. Their values sum to the total.
extern const std::vector<std::string> kEnergyComponents;

// What the run did, in the units the energy table prices.
struct ActionCounts {
  uint64_t macs = 0;                  // multiply-accumulates executed
  uint64_t mac_phases = 0;            // MACs times their fidelity phases (LoFi 1 ... HiFi4 4)
  uint64_t vector_instructions = 0;   // 32-lane vector-unit instructions
  uint64_t sram_read_bytes = 0;
  uint64_t sram_write_bytes = 0;
  uint64_t compress_bytes = 0;        // raw bytes through the compressor
  uint64_t decompress_bytes = 0;      // raw bytes out of the decompressor
  uint64_t reshape_bytes = 0;
  uint64_t dram_bytes = 0;
  uint64_t noc_flits = 0;
  uint64_t noc_flit_hops = 0;
  uint64_t noc_router_traversals = 0; // flit_hops + flits: the source router and each router after a link
};

struct EnergyReport {
  double total_pj = 0;
  std::map<std::string, double> by_component_pj;   // keys from kEnergyComponents
  std::vector<double> by_op_pj;                   // per op (plan order); sums to total_pj
  std::vector<double> by_core_pj;                 // per compute core: what the core itself spends (see docs)
  // Per op, the parts of its energy spent by its cores' engines (at the nominal voltage), which the power
  // model places in time: matrix and vector unit (mac, vector) and data handling (SRAM, compression,
  // reshape). NoC and DRAM energy are placed by the run's recorded windows instead.
  std::vector<double> op_math_pj;
  std::vector<double> op_data_pj;
  double seconds = 0;
  double average_power_w = 0;
  double tops_per_watt = 0;                       // 2 x graph MACs per second per watt, in tera-ops
  ActionCounts counts;
};

EnergyReport compute_energy(const ArchConfig& config, const Graph& graph, const Plan& plan, const RunResult& run);

}  // namespace tessera
