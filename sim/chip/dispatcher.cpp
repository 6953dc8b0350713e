#include "sim/chip/dispatcher.h"

#include <set>

namespace tessera {

Dispatcher::Dispatcher(sc_core::sc_module_name name, const Plan& plan, const DispatchConfig& config,
                       ChipServices& chip)
    : sc_module(name), plan_(plan), config_(config), chip_(chip) {
  SC_THREAD(run);
}

void Dispatcher::wait_done(const Launch& launch) {
  for (const auto& [core, level] : launch.done) {
    TileBuffer& b = chip_.buffer(core, level.buffer);
    while (!b.reached(level.tiles)) wait(b.changed());
  }
}

void Dispatcher::run() {
  const int cores = int(plan_.cores.size());
  for (size_t i = 0; i < plan_.launches.size(); ++i) {
    if (i > 0) wait_done(plan_.launches[i - 1]);
    if (config_.launch_cycles) wait(chip_.cycles(config_.launch_cycles));
    go_cycles_.push_back(chip_.now_cycle());
    const Launch& launch = plan_.launches[i];
    const std::set<int> own(launch.cores.begin(), launch.cores.end());
    // Cores outside the program (holding its L1 inputs) learn of it with the first go signal.
    for (int c = 0; c < cores; ++c)
      if (!own.count(c)) chip_.buffer(c, kLaunchBuffer).push(1);
    for (size_t k = 0; k < launch.cores.size(); ++k) {
      if (k > 0 && config_.go_cycles_per_core) wait(chip_.cycles(config_.go_cycles_per_core));
      chip_.buffer(launch.cores[k], kLaunchBuffer).push(1);
    }
    ++launched_;
  }
  if (!plan_.launches.empty()) wait_done(plan_.launches.back());
}

}  // namespace tessera
