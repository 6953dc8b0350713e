#include "noc/scheduled_model.h"

#include "noc/message_checks.h"

namespace tessera::noc {

ScheduledNocModel::ScheduledNocModel(const NocConfig& config)
    : config_(config), networks_(networks_for(config)), counters_(networks_) {}

void ScheduledNocModel::inject(const Message& m, uint64_t cycle) {
  counters_.record_message_injected(m.bytes);
  const uint64_t done = check_message(m, config_.width * config_.height)
                            ? schedule(with_distinct_destinations(m), cycle)
                            : schedule(m, cycle);
  counters_.record_message_latency(done - cycle);
  pending_.emplace(done, injected_++, m.id);
}

uint64_t ScheduledNocModel::next_event_cycle() const {
  return pending_.empty() ? kNever : std::get<0>(pending_.top());
}

uint64_t ScheduledNocModel::advance_to(uint64_t cycle, std::vector<Delivery>& delivered, bool stop_at_delivery) {
  while (!pending_.empty() && std::get<0>(pending_.top()) <= cycle) {
    uint64_t at = std::get<0>(pending_.top());
    delivered.push_back({std::get<2>(pending_.top()), at});
    pending_.pop();
    now_ = at;
    if (stop_at_delivery && (pending_.empty() || std::get<0>(pending_.top()) != at)) return now_;
  }
  if (cycle != kNever && cycle > now_) now_ = cycle;
  return now_;
}

void ScheduledNocModel::report_stats(StatsRegistry& stats, const std::string& prefix) const {
  counters_.report(stats, prefix);
}

}  // namespace tessera::noc
