// The packet-level NoC: each link (and each endpoint's injection and ejection port) remembers the cycle it
// becomes free. A packet's flits hold every link of its path for as many cycles as it has flits; the head
// moves on cut-through, one router pipeline and link per hop, waiting where a link is still busy. No
// per-flit events: a packet costs one reservation per link.
#include <algorithm>

#include "noc/model_factories.h"
#include "noc/packetization.h"
#include "noc/scheduled_model.h"

namespace tessera::noc {
namespace {

class PacketNocModel final : public ScheduledNocModel {
 public:
  explicit PacketNocModel(const NocConfig& config)
      : ScheduledNocModel(config),
        link_free_(counters_.link_flits.size(), 0),
        inject_free_(networks_.size() * static_cast<size_t>(config.width * config.height), 0),
        eject_free_(inject_free_.size(), 0) {}

 protected:
  uint64_t schedule(const Message& m, uint64_t cycle) override {
    std::vector<uint32_t> packets = packet_flit_counts(config_, m.bytes);
    size_t net = 0;
    if (networks_.size() > 1 && config_.noc_select != NocSelect::fixed) {
      // Try each network without reserving; keep the one that delivers first (NoC0 on a tie).
      uint64_t best_done = kNever;
      for (size_t n = 0; n < networks_.size(); ++n) {
        uint64_t done = config_.noc_select == NocSelect::shortest ? farthest_hops(networks_[n], m)
                                                                  : send(n, m, packets, cycle, /*commit=*/false);
        if (done < best_done) best_done = done, net = n;
      }
    }
    return send(net, m, packets, cycle, /*commit=*/true);
  }

 private:
  static uint64_t farthest_hops(const Network& net, const Message& m) {
    int hops = 0;
    for (int dst : m.dsts) hops = std::max(hops, hop_count(net, m.src, dst));
    return static_cast<uint64_t>(hops);
  }

  // Reserves (or, without `commit`, only evaluates) the packets of `m` on network `n`; returns the cycle
  // the last tail reaches the last destination.
  uint64_t send(size_t n, const Message& m, const std::vector<uint32_t>& packets, uint64_t cycle, bool commit) {
    const Network& network = networks_[n];
    const int nodes = network.grid.nodes();
    const uint64_t router = static_cast<uint64_t>(router_cycles(config_.delays));
    const uint64_t link = static_cast<uint64_t>(config_.delays.link);
    build_route_tree(network, m.src, m.dsts, static_cast<unsigned>(m.id), tree_);
    head_at_.resize(tree_.edges.size());
    scratch_free_.clear();
    uint64_t inject_free = inject_free_[n * nodes + m.src];
    uint64_t done = 0;
    for (uint32_t flits : packets) {
      // The head reaches the source router's input when the injection port has sent the previous packet.
      uint64_t at_source = std::max(cycle + effective_injection_latency(config_), inject_free);
      inject_free = at_source + flits;
      for (size_t e = 0; e < tree_.edges.size(); ++e) {
        const RouteTree::Edge& edge = tree_.edges[e];
        uint64_t arrive = edge.parent < 0 ? at_source : head_at_[edge.parent];
        int l = link_id(static_cast<int>(n), nodes, edge.node, edge.direction);
        uint64_t& free = commit ? link_free_[l] : scratch(l, link_free_[l]);
        uint64_t leave = std::max(arrive + router, free);
        free = leave + flits;
        head_at_[e] = leave + link;
        if (commit) {
          counters_.count_link_flits(l, flits);
          counters_.link_busy[l] += flits;
        }
      }
      for (size_t d = 0; d < m.dsts.size(); ++d) {
        int edge = tree_.dst_edge[d];
        uint64_t arrive = edge < 0 ? at_source : head_at_[edge];
        size_t port = n * nodes + m.dsts[d];
        uint64_t& free = commit ? eject_free_[port] : scratch(-1 - static_cast<int>(port), eject_free_[port]);
        uint64_t leave = std::max(arrive + router, free);
        free = leave + flits;
        done = std::max(done, leave + flits - 1 + static_cast<uint64_t>(config_.ejection_latency));
      }
      if (commit) {
        ++counters_.packets;
        counters_.flits += flits;
      }
    }
    if (commit) inject_free_[n * nodes + m.src] = inject_free;
    return done;
  }

  // Copy-on-write view of a free-cycle during an evaluation that must not reserve.
  uint64_t& scratch(int key, uint64_t current) {
    for (auto& [k, v] : scratch_free_)
      if (k == key) return v;
    scratch_free_.emplace_back(key, current);
    return scratch_free_.back().second;
  }

  std::vector<uint64_t> link_free_;    // per link id: first cycle it can start a new packet
  std::vector<uint64_t> inject_free_;  // per network and node
  std::vector<uint64_t> eject_free_;
  std::vector<uint64_t> head_at_;      // per tree edge: cycle the head reaches the router it leads to
  std::vector<std::pair<int, uint64_t>> scratch_free_;
};

}  // namespace

std::unique_ptr<NocModel> make_packet_noc_model(const NocConfig& config) {
  return std::make_unique<PacketNocModel>(config);
}

}  // namespace tessera::noc
