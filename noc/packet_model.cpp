// The packet-level NoC: each link and each endpoint's ejection port keeps a calendar of reserved cycles.
// A packet's flits hold every link of its path for as many cycles as it has flits, in the earliest gap at
// or after its head's arrival; the head moves on cut-through, one router pipeline and link per hop. An
// endpoint injects its packets one after another. No per-flit events: a packet costs one reservation per
// link. What it leaves out: buffers and credits (a blocked packet does not back up into the links behind
// it) and the interleaving of flits from different VCs on a link.
#include <algorithm>

#include "noc/link_calendar.h"
#include "noc/model_factories.h"
#include "noc/packetization.h"
#include "noc/scheduled_model.h"

namespace tessera::noc {
namespace {

class PacketNocModel final : public ScheduledNocModel {
 public:
  explicit PacketNocModel(const NocConfig& config)
      : ScheduledNocModel(config),
        links_(counters_.link_flits.size()),
        inject_free_(networks_.size() * static_cast<size_t>(config.width * config.height), 0),
        ejects_(inject_free_.size()) {}

 protected:
  uint64_t schedule(const Message& m, uint64_t cycle) override {
    std::vector<uint32_t> packets = packet_flit_counts(config_, m.bytes, m.dsts.size() > 1);
    size_t net = 0;
    if (m.network >= 0 && static_cast<size_t>(m.network) < networks_.size()) {
      net = static_cast<size_t>(m.network);
    } else if (networks_.size() > 1 && config_.noc_select != NocSelect::fixed) {
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

  // Reserves (or, without `commit`, only evaluates the first packet of) the packets of `m` on network `n`;
  // returns the cycle the last tail reaches the last destination.
  uint64_t send(size_t n, const Message& m, const std::vector<uint32_t>& packets, uint64_t cycle, bool commit) {
    const Network& network = networks_[n];
    const int nodes = network.grid.nodes();
    const uint64_t router = static_cast<uint64_t>(router_cycles(config_.delays));
    const uint64_t link = static_cast<uint64_t>(config_.delays.link);
    build_route_tree(network, m.src, m.dsts, static_cast<unsigned>(m.id), tree_);
    head_at_.resize(tree_.edges.size());
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
        LinkCalendar& calendar = links_[l];
        if (commit) calendar.forget_before(cycle);
        uint64_t leave = calendar.earliest(arrive + router, flits);
        head_at_[e] = leave + link;
        if (commit) {
          calendar.reserve(leave, flits);
          counters_.count_link_flits(l, flits, leave);
        }
      }
      for (size_t d = 0; d < m.dsts.size(); ++d) {
        int edge = tree_.dst_edge[d];
        uint64_t arrive = edge < 0 ? at_source : head_at_[edge];
        LinkCalendar& port = ejects_[n * nodes + m.dsts[d]];
        if (commit) port.forget_before(cycle);
        uint64_t leave = port.earliest(arrive + router, flits);
        if (commit) port.reserve(leave, flits);
        done = std::max(done, leave + flits - 1 + static_cast<uint64_t>(config_.ejection_latency));
      }
      if (!commit) return done;
      ++counters_.packets;
      counters_.flits += flits;
    }
    inject_free_[n * nodes + m.src] = inject_free;
    return done;
  }

  std::vector<LinkCalendar> links_;     // per link id
  std::vector<uint64_t> inject_free_;   // per network and node: when the injection port is free
  std::vector<LinkCalendar> ejects_;    // per network and node
  std::vector<uint64_t> head_at_;      // per tree edge: cycle the head reaches the router it leads to
};

}  // namespace

std::unique_ptr<NocModel> make_packet_noc_model(const NocConfig& config) {
  return std::make_unique<PacketNocModel>(config);
}

}  // namespace tessera::noc
