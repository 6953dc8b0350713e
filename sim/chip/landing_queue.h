#pragma once
// Runs callbacks at a later cycle: data the NoC has delivered but a core's inbound port is still writing
// into SRAM is announced when its last byte lands. One SystemC method, woken only for due entries.
#include <cstdint>
#include <functional>
#include <queue>
#include <vector>

#include <systemc>

namespace tessera {

class LandingQueue : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(LandingQueue);
  LandingQueue(sc_core::sc_module_name name, sc_core::sc_time period);

  // Runs `done` at cycle `at` (now or later).
  void at(uint64_t cycle, std::function<void()> done);

 private:
  void release();
  uint64_t now() const;

  struct Entry {
    uint64_t cycle;
    uint64_t order;  // first in, first out among equal cycles: deterministic
    std::function<void()> done;
    bool operator>(const Entry& o) const { return cycle != o.cycle ? cycle > o.cycle : order > o.order; }
  };
  sc_core::sc_time period_;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> due_;
  uint64_t next_order_ = 0;
  sc_core::sc_event wake_;
};

}  // namespace tessera
