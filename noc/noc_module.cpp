#include "noc/noc_module.h"

#include <stdexcept>
#include <string>

namespace tessera::noc {

using sc_core::sc_time;

NocModule::NocModule(sc_core::sc_module_name name, std::unique_ptr<NocModel> model, sc_time clock_period)
    : sc_module(name), model_(std::move(model)), period_(clock_period) {
  if (!model_) throw std::invalid_argument("NocModule needs a model");
  if (period_ == sc_core::SC_ZERO_TIME) throw std::invalid_argument("NocModule needs a non-zero clock period");
  SC_THREAD(run);
}

uint64_t NocModule::cycle_at(const sc_time& t) const { return t.value() / period_.value(); }

void NocModule::send(const Message& m, sc_core::sc_event* done) {
  uint64_t now = cycle_at(sc_core::sc_time_stamp());
  // The model may already have simulated this cycle; a message sent now then starts in the next one.
  uint64_t at = model_started_ && model_cycle_ > now ? model_cycle_ : now;
  if (done) {
    if (!done_events_.emplace(m.id, done).second)
      throw std::invalid_argument("NoC message id " + std::to_string(m.id) + " is already in flight");
  }
  model_->inject(m, at);
  injected_.notify(sc_core::SC_ZERO_TIME);
}

void NocModule::send(const Message& m, std::function<void()> on_delivered) {
  if (!done_callbacks_.emplace(m.id, std::move(on_delivered)).second)
    throw std::invalid_argument("NoC message id " + std::to_string(m.id) + " is already in flight");
  send(m, static_cast<sc_core::sc_event*>(nullptr));
}

void NocModule::run() {
  for (;;) {
    if (model_->next_event_cycle() == kNever) {
      wait(injected_);
      continue;
    }
    const sc_time now_time = sc_core::sc_time_stamp();
    const uint64_t now = cycle_at(now_time);
    // Everyone else's next activity bounds how far the model may run: they could send in that cycle, and
    // a message injected in a cycle the model has already simulated only starts moving in the next one.
    const uint64_t horizon = cycle_at(now_time + sc_core::sc_time_to_pending_activity());
    if (model_started_ && horizon <= model_cycle_) {
      wait(period_);  // others act in this very cycle: let them, look again one cycle later
      continue;
    }
    delivered_.clear();
    model_cycle_ = model_->advance_to(horizon, delivered_, /*stop_at_delivery=*/true);
    model_started_ = true;
    if (model_cycle_ > now) wait(period_ * static_cast<double>(model_cycle_ - now));
    for (const Delivery& d : delivered_) {
      auto callback = done_callbacks_.find(d.id);
      if (callback != done_callbacks_.end()) {
        auto run_it = std::move(callback->second);
        done_callbacks_.erase(callback);
        run_it();
        continue;
      }
      auto it = done_events_.find(d.id);
      if (it == done_events_.end()) continue;
      sc_core::sc_event* done = it->second;
      done_events_.erase(it);
      done->notify();
    }
  }
}

}  // namespace tessera::noc
