// The ideal NoC: every message takes the empty-network latency of its path (pipeline per hop plus the
// serialisation of its flits); links have infinite bandwidth, so nothing ever waits. A speed-of-light bound.
#include <algorithm>

#include "noc/model_factories.h"
#include "noc/packetization.h"
#include "noc/scheduled_model.h"

namespace tessera::noc {
namespace {

class IdealNocModel final : public ScheduledNocModel {
 public:
  explicit IdealNocModel(const NocConfig& config) : ScheduledNocModel(config) {}

 protected:
  uint64_t schedule(const Message& m, uint64_t cycle) override {
    // tt_dual: the network with the shorter farthest destination (NoC0 when fixed or tied).
    size_t best = 0;
    int best_hops = farthest_hops(networks_[0], m);
    if (m.network >= 0 && static_cast<size_t>(m.network) < networks_.size()) {
      best = static_cast<size_t>(m.network);
      best_hops = farthest_hops(networks_[best], m);
    } else if (config_.noc_select != NocSelect::fixed) {
      for (size_t n = 1; n < networks_.size(); ++n) {
        int hops = farthest_hops(networks_[n], m);
        if (hops < best_hops) best = n, best_hops = hops;
      }
    }
    uint64_t total_flits = 0;
    std::vector<uint32_t> packets = packet_flit_counts(config_, m.bytes, m.dsts.size() > 1);
    for (uint32_t f : packets) total_flits += f;
    const Network& net = networks_[best];
    build_route_tree(net, m.src, m.dsts, static_cast<unsigned>(m.id), tree_);
    // The train leaves each router one pipeline after its head arrived, as in an empty network.
    const uint64_t router = static_cast<uint64_t>(router_cycles(config_.delays));
    const uint64_t link = static_cast<uint64_t>(config_.delays.link);
    head_at_.resize(tree_.edges.size());
    for (size_t i = 0; i < tree_.edges.size(); ++i) {
      const RouteTree::Edge& e = tree_.edges[i];
      const uint64_t arrive = e.parent < 0 ? cycle + effective_injection_latency(config_) : head_at_[e.parent];
      head_at_[i] = arrive + router + link;
      counters_.count_link_flits(link_id(static_cast<int>(best), net.grid.nodes(), e.node, e.direction), total_flits,
                                 arrive + router);
    }
    counters_.packets += packets.size();
    counters_.flits += total_flits;
    return cycle + zero_load_latency(config_, best_hops, total_flits);
  }

 private:
  static int farthest_hops(const Network& net, const Message& m) {
    int hops = 0;
    for (int dst : m.dsts) hops = std::max(hops, hop_count(net, m.src, dst));
    return hops;
  }

  std::vector<uint64_t> head_at_;  // per tree edge: cycle the head reaches the router it leads to
};

}  // namespace

std::unique_ptr<NocModel> make_ideal_noc_model(const NocConfig& config) {
  return std::make_unique<IdealNocModel>(config);
}

}  // namespace tessera::noc
