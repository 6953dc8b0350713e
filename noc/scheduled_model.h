#pragma once
// Shared mechanics of the models that know a message's delivery cycle as soon as it is injected (ideal,
// packet): a queue of pending deliveries released by advance_to(), and the counters.
#include <queue>
#include <tuple>
#include <vector>

#include "noc/noc_counters.h"
#include "noc/noc_model.h"
#include "noc/routing.h"

namespace tessera::noc {

class ScheduledNocModel : public NocModel {
 public:
  void inject(const Message& m, uint64_t cycle) final;
  uint64_t next_event_cycle() const final;
  uint64_t advance_to(uint64_t cycle, std::vector<Delivery>& delivered, bool stop_at_delivery) final;
  void report_stats(StatsRegistry& stats, const std::string& prefix) const override;

 protected:
  explicit ScheduledNocModel(const NocConfig& config);
  // Returns the cycle at which every destination of `m`, injected at `cycle`, has its last flit; counts
  // links and flits in counters_.
  virtual uint64_t schedule(const Message& m, uint64_t cycle) = 0;

  NocConfig config_;
  std::vector<Network> networks_;
  NocCounters counters_;
  RouteTree tree_;  // scratch, reused between messages

 private:
  // (cycle, injection order, message id): ties leave in injection order.
  using Pending = std::tuple<uint64_t, uint64_t, uint64_t>;
  std::priority_queue<Pending, std::vector<Pending>, std::greater<Pending>> pending_;
  uint64_t injected_ = 0;
  uint64_t now_ = 0;
};

}  // namespace tessera::noc
