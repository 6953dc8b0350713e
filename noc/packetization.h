#pragma once
// How a message becomes packets and flits, and the latency of an empty network, shared by every model so
// that all fidelities agree when nothing contends.
#include <cstdint>
#include <vector>

#include "noc/noc_config.h"

namespace tessera::noc {

// Flits of each packet of a `bytes`-long message: payloads of at most max_packet_bytes, each rounded up to
// whole flits of link_bytes_per_cycle, plus header_flits. An empty message is one header-only packet.
// A multicast's packets are also cut to fit one VC buffer (vc_buf_flits), as with virtual cut-through at
// the branch points: a branching router can then hold a whole packet while one branch waits, so branches
// never wait on each other and tree multicast cannot deadlock. Every fidelity cuts the same way.
std::vector<uint32_t> packet_flit_counts(const NocConfig& config, uint64_t bytes, bool multicast = false);

// Router pipeline cycles (everything of a hop but the link).
inline int router_cycles(const RouterDelays& d) {
  return d.routing + d.vc_alloc + d.sw_alloc + d.st_prepare + d.st_final;
}

// A flit needs at least one cycle to cross from its endpoint into the router.
inline uint64_t effective_injection_latency(const NocConfig& config) {
  return config.injection_latency < 1 ? 1 : static_cast<uint64_t>(config.injection_latency);
}

// Cycles from inject() to delivery of a `flits`-long train over `hops` links in an empty network:
// the endpoint's injection latency (at least 1), a router pipeline and link per hop, the destination router's pipeline,
// the train's length behind its head, and the ejection latency.
inline uint64_t zero_load_latency(const NocConfig& config, int hops, uint64_t flits) {
  return effective_injection_latency(config) + static_cast<uint64_t>(hops) * hop_latency_cycles(config.delays) +
         static_cast<uint64_t>(router_cycles(config.delays)) + (flits - 1) + static_cast<uint64_t>(config.ejection_latency);
}

}  // namespace tessera::noc
