#pragma once
// The NoC as one SystemC module. It wraps a NocModel and runs it in a single thread only while messages
// are in flight, and only up to the next moment anyone else in the simulation could act, so that the NoC
// stays exact with the rest of the chip and costs nothing when idle.
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include <systemc>

#include "noc/noc_model.h"

namespace tessera::noc {

class NocModule : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(NocModule);
  NocModule(sc_core::sc_module_name name, std::unique_ptr<NocModel> model, sc_core::sc_time clock_period);

  // Sends `m` now (from any process); `done`, when given, is notified at the cycle of its delivery.
  void send(const Message& m, sc_core::sc_event* done);
  // Sends `m` now; `on_delivered` runs (inside the NoC's thread) at the cycle of its delivery.
  void send(const Message& m, std::function<void()> on_delivered);
  const NocModel& model() const { return *model_; }

 private:
  void run();
  uint64_t cycle_at(const sc_core::sc_time& t) const;

  std::unique_ptr<NocModel> model_;
  sc_core::sc_time period_;
  sc_core::sc_event injected_;
  std::map<uint64_t, sc_core::sc_event*> done_events_;  // message id -> its event
  std::map<uint64_t, std::function<void()>> done_callbacks_;  // message id -> what to run on delivery
  std::vector<Delivery> delivered_;
  uint64_t model_cycle_ = 0;      // last cycle the model simulated
  bool model_started_ = false;
};

}  // namespace tessera::noc
