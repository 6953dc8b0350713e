#include "noc/flit/flit_network.h"
#include "noc/flit/flit_moves.h"

#include <algorithm>
#include <limits>

#include "noc/packetization.h"

namespace tessera::noc::flit {

FlitNetwork::FlitNetwork(const NocConfig& config, FlitOptions options)
    : config_(config), options_(options), networks_(networks_for(config)), counters_(networks_) {
  nodes_ = config.width * config.height;
  routers_ = nodes_ * static_cast<int>(networks_.size());
  vcs_ = config.num_vcs;
  depth_ = config.vc_buf_flits;
  if (vcs_ < 1 || vcs_ > kMaxVcs) throw std::invalid_argument("NoC num_vcs must be between 1 and 16");
  if (depth_ < 1 || depth_ > 4096) throw std::invalid_argument("NoC vc_buf_flits must be between 1 and 4096");
  const RouterDelays& d = config.delays;
  if (d.routing < 0 || d.vc_alloc < 0 || d.sw_alloc < 0 || d.st_prepare < 0 || d.st_final < 0 || d.credit < 0)
    throw std::invalid_argument("NoC router delays must not be negative");
  if (d.link < 1) throw std::invalid_argument("NoC link latency must be at least 1 cycle");
  classes_ = options_.datelines && networks_[0].grid.wraps;
  if (classes_ && vcs_ < 2)
    throw std::invalid_argument("a torus needs at least 2 VCs per port: one per dateline class");
  to_next_router_ = static_cast<uint64_t>(d.sw_alloc + d.st_prepare + d.st_final);
  link_latency_ = static_cast<uint64_t>(d.link);
  to_endpoint_ = to_next_router_ + static_cast<uint64_t>(std::max(0, config.ejection_latency));
  injection_latency_ = effective_injection_latency(config);
  credit_latency_ = static_cast<uint64_t>(d.credit) + link_latency_;
  bulk_window_link_ = options_.trains ? std::min<uint64_t>(to_next_router_ + link_latency_, kLeavingSlots - 1) : 0;
  bulk_window_idle_source_ = injection_latency_ + static_cast<uint64_t>(d.routing);

  const size_t in_vcs = static_cast<size_t>(routers_) * kNumPorts * vcs_;
  const size_t out_vcs = static_cast<size_t>(routers_) * (kNumPorts + 1) * vcs_;
  buffer_.resize(in_vcs * depth_);
  in_vc_.resize(in_vcs);
  branches_.resize(in_vcs);
  OutputVc fresh;
  fresh.credits = static_cast<int16_t>(depth_);
  out_vc_.assign(out_vcs, fresh);
  for (int r = 0; r < routers_; ++r)
    for (int v = 0; v < vcs_; ++v) out_vc_[ovc(r, kEjectPort, v)].credits = std::numeric_limits<int16_t>::max();
  credit_return_.assign(out_vcs * depth_, 0);
  sw_input_rr_.assign(static_cast<size_t>(routers_) * kNumPorts, 0);
  sw_grant_rr_.assign(static_cast<size_t>(routers_) * kNumPorts, 0);
  sw_accept_rr_.assign(static_cast<size_t>(routers_) * kNumPorts, 0);
  va_accept_rr_.assign(in_vcs, 0);
  neighbor_.assign(static_cast<size_t>(routers_) * kNumLinkDirections, -1);
  for (int r = 0; r < routers_; ++r) {
    const int net = network_of(r);
    for (int d = 0; d < kNumLinkDirections; ++d) {
      const int n = networks_[net].grid.neighbor(r - net * nodes_, d);
      if (n >= 0) neighbor_[static_cast<size_t>(r) * kNumLinkDirections + d] = n + net * nodes_;
    }
  }
  flits_in_router_.assign(routers_, 0);
  active_bits_.assign((static_cast<size_t>(routers_) + 63) / 64, 0);
  occupied_.assign(static_cast<size_t>(routers_) * kNumPorts, 0);
  occupied_ports_.assign(routers_, 0);
  wake_.assign(routers_, kNever);
  late_wake_.assign(routers_, kNever);
  resume_at_.assign(routers_, 0);
  occupancy_sum_.assign(routers_, 0);
  sources_.resize(routers_);
}

uint32_t FlitNetwork::new_packet() {
  if (!free_packets_.empty()) {
    uint32_t p = free_packets_.back();
    free_packets_.pop_back();
    return p;
  }
  if (packets_.size() >= kMaxPackets) throw std::length_error("flit NoC: more than 2^30 packets in flight");
  packets_.emplace_back();
  return static_cast<uint32_t>(packets_.size() - 1);
}

uint32_t FlitNetwork::new_multicast_list() {
  if (!free_lists_.empty()) {
    uint32_t list = free_lists_.back();
    free_lists_.pop_back();
    return list;
  }
  multicast_lists_.emplace_back();
  return static_cast<uint32_t>(multicast_lists_.size() - 1);
}

void FlitNetwork::free_packet(uint32_t packet) {
  Packet& p = packets_[packet];
  if (p.dst < 0) {
    multicast_lists_[p.dst_list].clear();
    free_lists_.push_back(p.dst_list);
  }
  free_packets_.push_back(packet);
}

void FlitNetwork::enqueue_packet(int net, int src, const std::vector<int>& dsts, uint32_t flits, uint64_t created,
                                 unsigned tie_bits, uint32_t tag) {
  if (net < 0 || net >= static_cast<int>(networks_.size()) || src < 0 || src >= nodes_ || dsts.empty() || flits == 0)
    throw std::invalid_argument("bad packet for the flit NoC");
  if (dsts.size() > 1 && flits > static_cast<uint32_t>(depth_))
    throw std::invalid_argument("a multicast packet must fit one VC buffer (" + std::to_string(depth_) +
                                " flits), got " + std::to_string(flits));
  uint32_t id = new_packet();
  Packet& p = packets_[id];
  p.created = created;
  p.injected = created;
  p.flits = flits;
  p.tag = tag;
  p.hops = 0;
  p.tie_bits = static_cast<uint8_t>(tie_bits & 3);
  p.net = static_cast<uint8_t>(net);
  p.multicast = dsts.size() > 1;
  if (dsts.size() == 1) {
    p.dst = dsts[0];
    p.dst_list = kNone;
  } else {
    const uint32_t list = new_multicast_list();
    multicast_lists_[list] = dsts;
    packets_[id].dst = -1;
    packets_[id].dst_list = list;
  }
  const int source = net * nodes_ + src;
  Source& s = sources_[source];
  s.queue.push_back(id);
  ++queued_packets_;
  if (!s.listed) {
    s.listed = true;
    active_sources_.push_back(source);
  }
  // The cycle already simulated: the endpoint may still use this cycle's injection slot.
  if (started_ && created <= now_) step_source(source, now_);
}

uint64_t FlitNetwork::source_backlog(int net, int src) const {
  const Source& s = sources_[net * nodes_ + src];
  uint64_t flits = 0;
  for (uint32_t p : s.queue) flits += packets_[p].flits;
  if (s.current != kNone) flits += packets_[s.current].flits - s.next_seq;
  return flits;
}

uint64_t FlitNetwork::next_event_cycle() const {
  const uint64_t next = started_ ? now_ + 1 : now_;
  if (flits_in_routers_ > 0) return next;
  uint64_t best = kNever;
  if (!pending_retire_.empty()) best = std::max(next, pending_retire_.front().packet.delivered);
  for (int s : active_sources_) {
    const Source& src = sources_[s];
    if (src.current != kNone) return next;
    if (!src.queue.empty()) best = std::min(best, std::max(next, packets_[src.queue.front()].created));
  }
  return best;
}

uint64_t FlitNetwork::run_until(uint64_t cycle, bool stop_at_retire) {
  for (;;) {
    uint64_t t = started_ ? now_ + 1 : now_;
    if (started_ && now_ >= cycle) break;
    if (flits_in_routers_ == 0) {
      // Nothing in the routers: skip to the next cycle in which something can happen.
      uint64_t next = next_event_cycle();
      if (next > cycle) {
        if (cycle != kNever) {
          now_ = cycle;
          started_ = true;
        }
        break;
      }
      t = next;
    }
    step(t);
    now_ = t;
    started_ = true;
    bool released = false;
    while (!pending_retire_.empty() && pending_retire_.front().packet.delivered <= t) {
      retired_.push_back(pending_retire_.front().packet);
      pending_retire_.pop_front();
      released = true;
    }
    if (released && stop_at_retire) break;
  }
  return now_;
}

void FlitNetwork::step(uint64_t t) {
  ++simulated_cycles_;
  if (flits_in_routers_ > 0 && t > last_progress_ && t - last_progress_ > config_.watchdog_cycles) report_deadlock(t);
  // Routers only read their own state and write downstream flits and upstream credits that arrive in a
  // later cycle; a router woken in this cycle by another finds nothing to do before then.
  for (size_t w = 0; w < active_bits_.size(); ++w) {
    for (uint64_t bits = active_bits_[w]; bits; bits &= bits - 1) {
      const int r = static_cast<int>(w * 64) + __builtin_ctzll(bits);
      if (wake_[r] <= t) step_router(r, t);  // else every flit here is still in a pipeline stage or on a link
      if (flits_in_router_[r] == 0) active_bits_[w] &= ~(uint64_t{1} << (r & 63));
    }
  }
  // Flits that train moves ejected for this cycle leave the network now.
  const size_t slot = t & (kLeavingSlots - 1);
  flits_in_routers_ -= ahead_[slot][0];
  for (int k = 0; k < 2; ++k) ahead_total_[k] -= ahead_[slot][k];
  ahead_[slot] = {};
  // The endpoints send at the end of the cycle; their flits reach the routers injection_latency later.
  size_t kept_sources = 0;
  for (size_t i = 0; i < active_sources_.size(); ++i) {
    int s = active_sources_[i];
    step_source(s, t);
    Source& src = sources_[s];
    if (src.current != kNone || !src.queue.empty()) active_sources_[kept_sources++] = s;
    else src.listed = false;
  }
  active_sources_.resize(kept_sources);
}

void FlitNetwork::step_source(int source, uint64_t t) {
  Source& s = sources_[source];
  if (s.last_sent == t) return;
  if (s.current == kNone) {
    if (s.queue.empty() || packets_[s.queue.front()].created > t) return;
    int chosen = -1;
    for (int i = 0; i < vcs_; ++i) {
      int vc = (s.rr + i) % vcs_;
      size_t o = ovc(source, kSourcePort, vc);
      if (!out_vc_[o].busy && take_credit(o, t)) {
        chosen = vc;
        break;
      }
    }
    if (chosen < 0) return;
    s.rr = (chosen + 1) % vcs_;
    s.vc = chosen;
    s.current = s.queue.front();
    s.queue.pop_front();
    s.next_seq = 0;
    out_vc_[ovc(source, kSourcePort, chosen)].busy = 1;
    packets_[s.current].injected = t;
  }
  const size_t o = ovc(source, kSourcePort, s.vc);
  if (!take_credit(o, t)) return;
  --out_vc_[o].credits;
  const bool tail = s.next_seq + 1 == packets_[s.current].flits;
  push_flit(source, kInjectPort, s.vc, s.current, s.next_seq == 0, tail, t + injection_latency_);
  ++counters_.flits;
  s.last_sent = t;
  if (t > last_progress_) last_progress_ = t;
  if (tail) {
    ++counters_.packets;
    out_vc_[o].busy = 0;
    s.current = kNone;
    --queued_packets_;
  } else {
    ++s.next_seq;
  }
}

std::string FlitNetwork::check_invariants() const {
  for (int r = 0; r < routers_; ++r) {
    const int net = network_of(r);
    const int node = r - net * nodes_;
    for (int port = 0; port <= kSourcePort; ++port) {
      if (port == kEjectPort) continue;
      int downstream;
      int in_port;
      if (port == kSourcePort) {
        downstream = r;
        in_port = kInjectPort;
      } else {
        int n = networks_[net].grid.neighbor(node, port);
        if (n < 0) continue;
        downstream = n + net * nodes_;
        in_port = port;
      }
      for (int v = 0; v < vcs_; ++v) {
        const OutputVc& o = out_vc_[ovc(r, port, v)];
        const int buffered = in_vc_[ivc(downstream, in_port, v)].buf_count;
        int total = o.credits + o.credit_count + buffered;
        if (o.credits < 0 || o.credits > depth_ || total != depth_)
          return "router " + std::to_string(r) + " output " + direction_name(port) + " vc " + std::to_string(v) +
                 ": credits " + std::to_string(o.credits) + " + returning " + std::to_string(o.credit_count) +
                 " + buffered " + std::to_string(buffered) + " != buffer size " +
                 std::to_string(depth_);
      }
    }
  }
  // Every output VC marked busy belongs to a packet still being forwarded by an input VC of its router.
  for (int r = 0; r < routers_; ++r) {
    for (int port = 0; port < kNumPorts; ++port) {
      for (int v = 0; v < vcs_; ++v) {
        if (!out_vc_[ovc(r, port, v)].busy) continue;
        bool held = false;
        for (int p = 0; p < kNumPorts && !held; ++p)
          for (int u = 0; u < vcs_ && !held; ++u) {
            const InputVc& in = in_vc_[ivc(r, p, u)];
            held = in.state != kIdle && (in.branch_mask & (1u << port)) && in.out_vc[port] == v;
          }
        if (!held)
          return "router " + std::to_string(r) + " output " + direction_name(port) + " vc " + std::to_string(v) +
                 " is marked busy but no input VC holds it";
      }
    }
  }
  return {};
}

int FlitNetwork::credits_when_asked(size_t out_vc) const {
  const OutputVc& o = out_vc_[out_vc];
  int credits = o.credits;
  for (int k = 0; k < o.credit_count; ++k) {
    if (credit_return_[out_vc * depth_ + wrap(static_cast<size_t>(o.credit_head) + k)] > o.last_asked) break;
    ++credits;
  }
  return credits;
}

void FlitNetwork::report_deadlock(uint64_t t) const {
  std::string msg = "NoC deadlock: no flit moved for " + std::to_string(t - last_progress_) + " cycles with " +
                    std::to_string(flits_in_routers_) + " flits in the routers. Stuck:";
  int listed = 0;
  for (int r = 0; r < routers_ && listed < 24; ++r) {
    if (flits_in_router_[r] == 0) continue;
    const int net = network_of(r);
    const Grid& g = networks_[net].grid;
    const int node = r - net * nodes_;
    for (int port = 0; port < kNumPorts && listed < 24; ++port) {
      for (int v = 0; v < vcs_ && listed < 24; ++v) {
        size_t i = ivc(r, port, v);
        const InputVc& in = in_vc_[i];
        if (in.buf_count == 0) continue;
        const Packet& p = packets_[buffer_[i * depth_ + in.buf_head].packet];
        msg += "\n  router " + std::to_string(g.x(node)) + "_" + std::to_string(g.y(node));
        if (networks_.size() > 1) msg += " (noc" + std::to_string(net) + ")";
        msg += " input " + std::string(port == kInjectPort ? "inject" : direction_name(opposite(port))) + " vc " +
               std::to_string(v) + ": " + std::to_string(in.buf_count) + " flits";
        if (p.dst >= 0) msg += " to " + std::to_string(g.x(p.dst)) + "_" + std::to_string(g.y(p.dst));
        if (in.state == kVcAlloc) {
          msg += ", waiting for a VC";
        } else if (in.state == kActive) {
          for (int b = 0; b < kNumPorts; ++b) {
            if (!(in.branch_mask & (1u << b))) continue;
            msg += ", holds " + std::string(direction_name(b)) + " vc " + std::to_string(in.out_vc[b]) +
                   " (credits " + std::to_string(credits_when_asked(ovc(r, b, in.out_vc[b]))) + ")";
          }
        }
        ++listed;
      }
    }
  }
  throw DeadlockError(msg);
}

}  // namespace tessera::noc::flit
