#pragma once
// The interface every NoC fidelity implements (flit, packet, ideal). A NocModel is plain C++ that counts
// time in cycles; the SystemC wrapper (noc_module.h) drives it only while messages are in flight.
#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include "noc/noc_config.h"

namespace tessera { class StatsRegistry; }

namespace tessera::noc {

constexpr uint64_t kNever = std::numeric_limits<uint64_t>::max();

// One message from an endpoint to one or more endpoints (node id = y * width + x). Several destinations
// form a multicast: the mapper gives a rectangle's nodes, delivered along an X-then-Y tree. A node listed
// more than once (data for several buffers of one core) receives one copy.
struct Message {
  uint64_t id = 0;
  int src = 0;
  std::vector<int> dsts;
  uint64_t bytes = 0;
  // Which network carries it on a multi-network topology (tt_dual: 0 = NoC0, 1 = NoC1), as when a sender
  // names its NoC; -1 leaves the choice to the config's noc_select.
  int network = -1;
};

// A message is delivered when every destination has received its last (tail) flit.
struct Delivery {
  uint64_t id = 0;
  uint64_t cycle = 0;
};

class NocModel {
 public:
  virtual ~NocModel() = default;
  // Queue `m` at its source at `cycle`; `cycle` is never earlier than the last advance_to().
  virtual void inject(const Message& m, uint64_t cycle) = 0;
  // The earliest cycle at which the model could deliver something or must do work; kNever when idle.
  virtual uint64_t next_event_cycle() const = 0;
  // Simulate every cycle up to and including `cycle`, appending deliveries (in cycle order). Stops early,
  // right after the first cycle with a delivery, when `stop_at_delivery` is set; returns the last cycle
  // simulated.
  virtual uint64_t advance_to(uint64_t cycle, std::vector<Delivery>& delivered, bool stop_at_delivery) = 0;
  // Adds this model's counters under `prefix` (e.g. "noc."): per-link flits, busy cycles, latency.
  virtual void report_stats(StatsRegistry& stats, const std::string& prefix) const = 0;
};

std::unique_ptr<NocModel> make_noc_model(const NocConfig& config);

}  // namespace tessera::noc
