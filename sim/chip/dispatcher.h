#pragma once
// The op-by-op schedule's dispatcher: the firmware that launches each program of the Plan once the one
// before it is done on every core. It waits for the previous program's done levels, spends the launch
// time (reading the next program's commands, writing kernels and runtime arguments), then sends the go
// signals: every core's launch count goes up, the program's own cores one after another,
// `go_cycles_per_core` apart (one multicast when 0), the others with the first. Records each launch.
#include <vector>

#include <systemc>

#include "sim/config/arch_config.h"
#include "sim/program/chip_services.h"
#include "sim/program/plan.h"

namespace tessera {

class Dispatcher : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(Dispatcher);
  Dispatcher(sc_core::sc_module_name name, const Plan& plan, const DispatchConfig& config, ChipServices& chip);

  size_t launched() const { return launched_; }
  // Cycle each program's go signals started (one per launch so far).
  const std::vector<uint64_t>& go_cycles() const { return go_cycles_; }

 private:
  void run();
  void wait_done(const Launch& launch);

  const Plan& plan_;
  DispatchConfig config_;
  ChipServices& chip_;
  size_t launched_ = 0;
  std::vector<uint64_t> go_cycles_;
};

}  // namespace tessera
