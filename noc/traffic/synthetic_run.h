#pragma once
// Open-loop synthetic traffic measured the way BookSim2 does (sim_type = latency): Bernoulli packet
// generation at every node into an infinite source queue, warm-up periods, sample periods until the
// averages settle, then a drain of the measured packets. A run whose latency passes the threshold is
// unstable (beyond saturation).
#include <cstdint>
#include <string>

#include "noc/flit/flit_network.h"
#include "noc/noc_config.h"

namespace tessera::noc {

struct SyntheticSetup {
  NocConfig network;                 // fidelity is flit: the measurement needs per-flit timing
  flit::FlitOptions options;
  std::string traffic = "uniform";
  double injection_rate = 0.1;       // flits (or packets) per node per cycle
  bool injection_rate_uses_flits = true;
  int packet_flits = 1;
  uint64_t seed = 1;
  // BookSim2's measurement parameters and defaults.
  int warmup_periods = 3;
  int sample_period = 1000;
  int max_samples = 10;              // warm-up periods included
  double latency_threshold = 500;
  double convergence_threshold = 0.05;
  // When non-zero: measure exactly this many cycles after warm-up instead of waiting for convergence.
  uint64_t fixed_cycles = 0;
};

struct SyntheticResult {
  double avg_packet_latency = 0;     // tail ejected minus packet created (includes source queueing)
  double avg_network_latency = 0;    // tail ejected minus head injected
  double accepted_flits_per_node_cycle = 0;
  double offered_flits_per_node_cycle = 0;
  double avg_hops = 0;               // routers traversed (links + 1), BookSim2's count
  uint64_t measured_packets = 0;
  uint64_t simulated_cycles = 0;     // cycles from start to the end of the drain
  uint64_t flit_hops = 0;            // over the whole run
  bool unstable = false;
};

SyntheticResult run_synthetic(const SyntheticSetup& setup);

}  // namespace tessera::noc
