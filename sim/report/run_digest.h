#pragma once
// Figures the report files share, read once from the run's recorded statistics: per core and engine the
// cycles busy (core.<x>_<y>.<engine>.busy_cycles), and per NoC link its flits (noc.link...flits; a link
// carries at most one flit per cycle, so they are also its busy cycles).
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/chip/chip.h"
#include "sim/config/arch_config.h"
#include "sim/program/plan.h"

namespace tessera {

// The core engines in timeline and table order (Engine::dram is a DRAM channel, not a core engine).
constexpr std::array<Engine, 6> kCoreEngines = {Engine::reader, Engine::reshape, Engine::unpack,
                                                Engine::math, Engine::pack, Engine::writer};

// "core.<x>_<y>.<engine>.": the prefix of a compute core engine's statistics.
std::string core_stat(const Plan& plan, int core, Engine engine);

struct LinkUsage {
  int network = 0;         // 0 or 1 on tt_dual (NoC0, NoC1); 0 otherwise
  int x = 0, y = 0;        // router the link leaves
  int direction = 0;       // noc::Direction
  int to_x = 0, to_y = 0;  // router it enters
  uint64_t flits = 0;
  uint64_t busy_cycles = 0;
  double utilization = 0;  // busy cycles / run cycles
};

struct RunDigest {
  uint64_t total_cycles = 0;
  // engine_busy[core][i]: cycles engine kCoreEngines[i] of the core was busy.
  std::vector<std::array<uint64_t, kCoreEngines.size()>> engine_busy;
  std::vector<LinkUsage> links;     // every link of every network, in (network, node, direction) order
  int networks = 1;
};

RunDigest digest_run(const ArchConfig& config, const Plan& plan, const RunResult& run);

// "NoC0" / "NoC1" on tt_dual, "NoC" otherwise.
std::string network_label(int network, int networks);

}  // namespace tessera
