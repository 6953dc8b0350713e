// The flit-level NocModel: messages become packets queued at their source endpoint and cross the
// cycle-accurate router network; a message is delivered when every destination has every tail flit.
#include <algorithm>

#include "noc/flit/flit_network.h"
#include "noc/message_checks.h"
#include "noc/model_factories.h"
#include "noc/packetization.h"
#include "sim/base/stats_registry.h"

namespace tessera::noc {
namespace {

class FlitNocModel final : public NocModel {
 public:
  explicit FlitNocModel(const NocConfig& config) : config_(config), network_(config) {}

  void inject(const Message& m, uint64_t cycle) override {
    network_.counters().record_message_injected(m.bytes);
    if (check_message(m, config_.width * config_.height)) {
      // Each destination receives one copy of every packet: count each once, or the message never completes.
      inject_distinct(with_distinct_destinations(m), cycle);
      return;
    }
    inject_distinct(m, cycle);
  }

  uint64_t next_event_cycle() const override { return network_.next_event_cycle(); }

  uint64_t advance_to(uint64_t cycle, std::vector<Delivery>& delivered, bool stop_at_delivery) override {
    for (;;) {
      uint64_t reached = network_.run_until(cycle, stop_at_delivery);
      bool any = false;
      for (const flit::RetiredPacket& r : network_.retired()) {
        Slot& s = slots_[r.tag];
        if (--s.pending_tails > 0) continue;
        delivered.push_back({s.id, r.delivered});
        network_.counters().record_message_latency(r.delivered - s.created);
        free_slots_.push_back(r.tag);
        any = true;
      }
      network_.retired().clear();
      if (!stop_at_delivery || any || reached >= cycle || network_.idle()) return reached;
    }
  }

  void report_stats(StatsRegistry& stats, const std::string& prefix) const override {
    network_.counters().report(stats, prefix);
    const auto& networks = network_.networks();
    const auto& occupancy = network_.occupancy_cycles();
    const double cycles = static_cast<double>(std::max<uint64_t>(1, network_.simulated_cycles()));
    const int nodes = config_.width * config_.height;
    for (size_t r = 0; r < occupancy.size(); ++r) {
      if (occupancy[r] == 0) continue;
      const size_t net = r / nodes;
      const Grid& g = networks[net].grid;
      const int node = static_cast<int>(r % nodes);
      std::string name = prefix + (networks.size() > 1 ? "noc" + std::to_string(net) + "." : "") + "router." +
                         std::to_string(g.x(node)) + "_" + std::to_string(g.y(node)) + ".avg_buffered_flits";
      stats.set(name, static_cast<double>(occupancy[r]) / cycles, "flits",
                "flits in the router's input VC buffers at the end of a cycle (arrived and not yet crossed the switch), "
                "averaged over the cycles the NoC simulated");
    }
    stats.set(prefix + "simulated_cycles", static_cast<double>(network_.simulated_cycles()), "cycles",
              "cycles the flit-level NoC stepped (idle cycles are skipped)");
  }

 private:
  void inject_distinct(const Message& m, uint64_t cycle) {
    const int net = pick_network(m);
    std::vector<uint32_t> packets = packet_flit_counts(config_, m.bytes, m.dsts.size() > 1);
    uint32_t slot;
    if (!free_slots_.empty()) {
      slot = free_slots_.back();
      free_slots_.pop_back();
    } else {
      slot = static_cast<uint32_t>(slots_.size());
      slots_.emplace_back();
    }
    slots_[slot] = Slot{m.id, cycle, static_cast<uint32_t>(packets.size() * m.dsts.size())};
    for (uint32_t flits : packets)
      network_.enqueue_packet(net, m.src, m.dsts, flits, cycle, static_cast<unsigned>(m.id), slot);
  }

  struct Slot {
    uint64_t id;
    uint64_t created;
    uint32_t pending_tails;  // packets x destinations still to arrive
  };

  int pick_network(const Message& m) const {
    const auto& networks = network_.networks();
    if (m.network >= 0 && m.network < static_cast<int>(networks.size())) return m.network;
    if (networks.size() == 1 || config_.noc_select == NocSelect::fixed) return 0;
    auto farthest = [&](const Network& net) {
      int hops = 0;
      for (int dst : m.dsts) hops = std::max(hops, hop_count(net, m.src, dst));
      return hops;
    };
    int best = 0;
    uint64_t best_backlog = network_.source_backlog(0, m.src);
    int best_hops = farthest(networks[0]);
    for (int n = 1; n < static_cast<int>(networks.size()); ++n) {
      const int hops = farthest(networks[n]);
      const uint64_t backlog = network_.source_backlog(n, m.src);
      const bool better = config_.noc_select == NocSelect::shortest
                              ? hops < best_hops
                              : backlog < best_backlog || (backlog == best_backlog && hops < best_hops);
      if (better) best = n, best_hops = hops, best_backlog = backlog;
    }
    return best;
  }

  NocConfig config_;
  flit::FlitNetwork network_;
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_slots_;
};

}  // namespace

std::unique_ptr<NocModel> make_flit_noc_model(const NocConfig& config) {
  return std::make_unique<FlitNocModel>(config);
}

}  // namespace tessera::noc
