#pragma once
// The per-flit moves of the cycle loop: buffer push and pop, credits, switch traversal. Defined inline
// here, and included only by the files of the cycle loop, because they run once or more per flit-hop and a
// call across files costs as much as the work.
#include "noc/flit/flit_network.h"

namespace tessera::noc::flit {

inline void FlitNetwork::activate(int router, uint64_t arrival) {
  if (arrival < wake_[router]) wake_[router] = arrival;
  if (arrival < late_wake_[router]) late_wake_[router] = arrival;
  active_bits_[static_cast<size_t>(router) >> 6] |= uint64_t{1} << (router & 63);
}

inline void FlitNetwork::push_flit(int router, int port, int vc, uint32_t packet, bool head, bool tail,
                                   uint64_t arrival) {
  const size_t i = ivc(router, port, vc);
  InputVc& in = in_vc_[i];
  if (in.buf_count > 0 && arrival - in.front_arrival > 0xffffffffu)
    throw std::overflow_error("flit NoC: a flit arrives 2^32 cycles or more after the front flit of its buffer");
  buffer_[i * depth_ + wrap(static_cast<size_t>(in.buf_head) + in.buf_count)] =
      Flit{packet, head, tail, static_cast<uint32_t>(arrival)};
  ++flits_in_router_[router];
  ++flits_in_routers_;
  if (in.buf_count++ == 0) {
    in.front_arrival = arrival;
    occupied_[static_cast<size_t>(router) * kNumPorts + port] |= static_cast<uint16_t>(1u << vc);
    occupied_ports_[router] |= static_cast<uint8_t>(1u << port);
    if (in.state == kIdle) {
      // A head reaching an empty, idle VC is routed in its arrival cycle whatever else happens there, so
      // compute the route now and wake the router only when VC allocation can start.
      route(router, port, vc, arrival);
      activate(router, in.ready);
      return;
    }
  }
  activate(router, arrival);
}

inline void FlitNetwork::pop_flit(int router, int port, int vc, uint64_t t) {
  const size_t i = ivc(router, port, vc);
  InputVc& in = in_vc_[i];
  occupancy_sum_[router] += t - in.front_arrival;
  in.buf_head = static_cast<uint16_t>(in.buf_head + 1 == depth_ ? 0 : in.buf_head + 1);
  if (--in.buf_count == 0) {
    in.front_arrival = kNever;
    uint16_t& vcs = occupied_[static_cast<size_t>(router) * kNumPorts + port];
    vcs &= static_cast<uint16_t>(~(1u << vc));
    if (!vcs) occupied_ports_[router] &= static_cast<uint8_t>(~(1u << port));
  } else {
    in.front_arrival = arrival_of(in, buffer_[i * depth_ + in.buf_head]);
  }
  --flits_in_router_[router];
  --flits_in_routers_;
}

inline void FlitNetwork::absorb_credits(size_t out_vc, uint64_t t) {
  OutputVc& o = out_vc_[out_vc];
  const uint64_t* ring = &credit_return_[out_vc * depth_];
  while (o.credit_count > 0 && ring[o.credit_head] <= t) {
    ++o.credits;
    o.credit_head = static_cast<uint16_t>(o.credit_head + 1 == depth_ ? 0 : o.credit_head + 1);
    --o.credit_count;
  }
}

inline void FlitNetwork::return_credit(int router, int in_port, int vc, uint64_t t) {
  size_t out;
  uint64_t arrival;
  if (in_port == kInjectPort) {
    out = ovc(router, kSourcePort, vc);
    arrival = t + static_cast<uint64_t>(config_.delays.credit) + injection_latency_;
  } else {
    const int upstream = neighbor_[static_cast<size_t>(router) * kNumLinkDirections + opposite(in_port)];
    out = ovc(upstream, in_port, vc);
    arrival = t + credit_latency_;
    // An upstream router with no credit at hand or on the way may be asleep waiting for this one.
    const OutputVc& o = out_vc_[out];
    if (o.credits == 0 && o.credit_count == 0 && flits_in_router_[upstream] > 0) activate(upstream, arrival);
  }
  OutputVc& o = out_vc_[out];
  credit_return_[out * depth_ + wrap(static_cast<size_t>(o.credit_head) + o.credit_count)] = arrival;
  ++o.credit_count;
}

inline void FlitNetwork::retire(uint32_t packet, int router, uint64_t delivered) {
  const Packet& p = packets_[packet];
  const RetiredPacket retired{p.tag, p.created, p.injected, delivered, p.flits, p.hops, router % nodes_};
  // Usually the last: routers retire in index order within a cycle, and a later cycle comes later.
  auto at = pending_retire_.end();
  while (at != pending_retire_.begin()) {
    const PendingRetire& before = *(at - 1);
    if (before.packet.delivered < delivered || (before.packet.delivered == delivered && before.router < router)) break;
    --at;
  }
  pending_retire_.insert(at, PendingRetire{retired, router});
}

__attribute__((always_inline)) inline void FlitNetwork::traverse(int r, int in_port, int vc, int o, uint64_t t) {
  const size_t i = ivc(r, in_port, vc);
  InputVc& in = in_vc_[i];
  // Branches of a multicast move on independently: each has its own place in the buffer.
  const bool one_branch = (in.branch_mask & (in.branch_mask - 1)) == 0;
  Branches& branches = branches_[i];  // read only with several branches
  const size_t slot = one_branch ? in.buf_head : wrap(static_cast<size_t>(in.buf_head) + branches.ahead[o]);
  const size_t at = i * depth_ + slot;
  const Flit flit = buffer_[at];
  const uint32_t packet = in.split ? branches.packet[o] : flit.packet;
  const bool tail = flit.tail;
  const size_t out = ovc(r, o, in.out_vc[o]);
  if (o == kEjectPort) {
    ++ejected_flits_;
    if (tail) {
      if (!packets_[packet].multicast) out_vc_[out].busy = 0;
      retire(packet, r, t + to_endpoint_);
      if (packet != flit.packet || !in.split) free_packet(packet);
    }
  } else {
    --out_vc_[out].credits;
    const int d = neighbor_[static_cast<size_t>(r) * kNumLinkDirections + o];
    // Counted before the push: a multicast head routed on arrival copies its hops into the child packets.
    if (flit.head) ++packets_[packet].hops;
    push_flit(d, o, in.out_vc[o], packet, flit.head, flit.tail, t + to_next_router_ + link_latency_);
    const int link = r * kNumLinkDirections + o;  // link_id(): routers are numbered network by network
    counters_.count_link_flit(link, t);
    if (tail) out_vc_[out].busy = 0;
  }
  if (t > last_progress_) last_progress_ = t;  // a train move may have moved flits in later cycles
  if (one_branch) {
    // One branch: the flit leaves the buffer at once and its slot's credit heads upstream.
    pop_flit(r, in_port, vc, t);
    return_credit(r, in_port, vc, t);
    if (tail) {
      in.state = kIdle;
      in.branch_mask = 0;
      in.split = false;
    }
    return;
  }
  ++branches.ahead[o];
  // Flits every branch has taken leave the buffer; each freed slot's credit heads upstream.
  for (;;) {
    for (unsigned b = in.branch_mask; b; b &= b - 1)
      if (branches.ahead[__builtin_ctz(b)] == 0) return;
    const Flit& front = buffer_[i * depth_ + in.buf_head];
    const bool front_is_tail = front.tail;
    const uint32_t parent = front.packet;
    pop_flit(r, in_port, vc, t);
    return_credit(r, in_port, vc, t);
    for (unsigned b = in.branch_mask; b; b &= b - 1) --branches.ahead[__builtin_ctz(b)];
    if (front_is_tail) {
      if (in.split) free_packet(parent);
      in.state = kIdle;
      in.branch_mask = 0;
      in.split = false;
      return;
    }
  }
}

// traverse() for every branch of input VC `vc` of port `p` whose packet is split over several branches,
// all at the same flit (none ahead): `first`'s copy, then the others in port order, as one traverse() per
// branch makes them, without each of them rescanning the branches; the last copy pops the flit and returns
// its credit.
__attribute__((always_inline)) inline void FlitNetwork::broadcast_flit(int r, int p, int vc, int first, uint64_t t) {
  const size_t i = ivc(r, p, vc);
  InputVc& in = in_vc_[i];
  const Branches& branches = branches_[i];
  const Flit flit = buffer_[i * depth_ + in.buf_head];
  const bool tail = flit.tail;
  for (unsigned b = in.branch_mask & ~(1u << first), o = static_cast<unsigned>(first);;) {
    const uint32_t packet = branches.packet[o];  // a child packet
    const size_t out = ovc(r, static_cast<int>(o), in.out_vc[o]);
    if (o == kEjectPort) {
      ++ejected_flits_;
      if (tail) {
        if (!packets_[packet].multicast) out_vc_[out].busy = 0;
        retire(packet, r, t + to_endpoint_);
        free_packet(packet);
      }
    } else {
      --out_vc_[out].credits;
      const int d = neighbor_[static_cast<size_t>(r) * kNumLinkDirections + o];
      if (flit.head) ++packets_[packet].hops;
      push_flit(d, static_cast<int>(o), in.out_vc[o], packet, flit.head, tail, t + to_next_router_ + link_latency_);
      counters_.count_link_flit(r * kNumLinkDirections + static_cast<int>(o), t);
      if (tail) out_vc_[out].busy = 0;
    }
    if (!b) break;
    o = static_cast<unsigned>(__builtin_ctz(b));
    b &= b - 1;
  }
  if (t > last_progress_) last_progress_ = t;
  pop_flit(r, p, vc, t);
  return_credit(r, p, vc, t);
  if (tail) {
    free_packet(flit.packet);
    in.state = kIdle;
    in.branch_mask = 0;
    in.split = false;
  }
}

}  // namespace tessera::noc::flit
