// One router's cycle: route computation, VC allocation (vc_allocator.cpp), switch allocation
// (switch_allocator.cpp) and switch traversal (flit_moves.h), in that order, so that a stage with zero
// delay hands its packet to the next stage in the same cycle.
#include <array>

#include "noc/flit/flit_network.h"
#include "noc/flit/flit_moves.h"

namespace tessera::noc::flit {

namespace {

inline int axis_of(int direction) { return direction >> 1; }  // 0: X (east, west), 1: Y (south, north)
inline bool positive(int direction) { return direction == kEast || direction == kSouth; }

}  // namespace

void FlitNetwork::step_router(int r, uint64_t t) {
  const size_t first = ivc(r, 0, 0);
  const uint16_t* occupied = &occupied_[static_cast<size_t>(r) * kNumPorts];
  if (t < resume_at_[r]) {
    // A train move simulated this cycle already; what woke the router (a flit or a credit arriving)
    // waits until it ends.
    wake_[r] = resume_at_[r];
    return;
  }
  const unsigned ports = occupied_ports_[r];
  if (ports != 0 && (ports & (ports - 1)) == 0) {
    // One input port holds flits; one VC of it, whose packet holds its output VC and is ready to cross:
    // alone in the router, it can move a train of flits at once.
    const int p = __builtin_ctz(ports);
    const unsigned vcs = occupied[p];
    if ((vcs & (vcs - 1)) == 0) {
      const int vc = __builtin_ctz(vcs);
      const InputVc& in = in_vc_[first + p * vcs_ + vc];
      if (in.state == kActive) {
        // What the general case below does with one active VC, without its tables: no VC requests, and
        // the VC is the lone switch requester once its flit and its pipeline stage are there.
        const uint64_t when = in.front_arrival > in.ready ? in.front_arrival : in.ready;
        uint64_t wake = kNever;
        bool moved = false;
        if (when > t) {
          wake = when;
        } else {
          if (move_train(r, t, p, vc)) return;
          moved = allocate_switch_one(r, t, p, vc, wake);
        }
        finish_step(r, t, moved, wake);
        return;
      }
      if (in.state == kVcAlloc && config_.delays.vc_alloc > 0 && in.pending_va != 0 &&
          (in.pending_va & (in.pending_va - 1)) == 0) {
        // The same for one routed VC waiting for the output VC of the one port it leaves by: the lone
        // requester of VC allocation (with no zero-cycle stage, nothing may cross in this cycle).
        if (in.ready > t) {
          finish_step(r, t, false, in.ready);
        } else {
          finish_step(r, t, allocate_vc_one(r, t, p, vc), kNever);
        }
        return;
      }
    }
  }
  // VC requests per output port and input port (a bit per input VC), split by dateline class.
  VcRequests lower, upper;  // zeroed when the first request comes
  std::array<uint16_t, kNumPorts> switch_ready{};  // per input port: VCs whose front flit may cross now
  unsigned asked = 0;  // output ports with VC requests
  int ready = 0;       // VCs in switch_ready
  int ready_port = 0, ready_vc = 0;  // the last one found
  multi_branch_.clear();
  // The next cycle this router can do anything: a flit arriving or a pipeline stage ending; a VC that can
  // act now (or waits on allocation or credits) may act again next cycle.
  uint64_t wake = kNever;
  for (unsigned left = occupied_ports_[r]; left; left &= left - 1) {
    const int p = __builtin_ctz(left);
    for (unsigned vcs = occupied[p]; vcs; vcs &= vcs - 1) {
      const int vc = __builtin_ctz(vcs);
      const int k = p * vcs_ + vc;
      InputVc& in = in_vc_[first + k];
      if (in.state == kActive) {
        const uint64_t when = in.front_arrival > in.ready ? in.front_arrival : in.ready;
        if (when <= t) {
          switch_ready[p] = static_cast<uint16_t>(switch_ready[p] | (1u << vc));
          ++ready;
          ready_port = p;
          ready_vc = vc;
        } else if (when < wake) {
          wake = when;
        }
        continue;
      }
      if (in.state == kIdle) {
        if (in.front_arrival > t) {
          if (in.front_arrival < wake) wake = in.front_arrival;
          continue;
        }
        route(r, p, vc, t);
      }
      if (in.ready > t) {
        if (in.ready < wake) wake = in.ready;
        continue;
      }
      // A branch with no free output VC of its class cannot be served this cycle, and a multicast gets all
      // of its VCs or none: such a VC asks nothing (a VC frees only when a tail leaves this router, a move).
      bool doomed = false;
      for (unsigned pending = in.pending_va; pending && !doomed; pending &= pending - 1) {
        const int o = __builtin_ctz(pending);
        doomed = !output_vc_free(r, o, (in.class1_mask >> o) & 1u);
      }
      if (doomed) continue;
      if (in.pending_va & (in.pending_va - 1)) multi_branch_.push_back(k);
      if (!asked) {
        lower = {};
        upper = {};
      }
      for (unsigned pending = in.pending_va; pending; pending &= pending - 1) {
        const int o = __builtin_ctz(pending);
        VcRequests& requests = (in.class1_mask & (1u << o)) ? upper : lower;
        requests[o][p] = static_cast<uint16_t>(requests[o][p] | (1u << vc));
        asked |= 1u << o;
      }
    }
  }
  bool moved = false;  // some VC was allocated or some flit crossed: the router may act again next cycle
  if (asked && allocate_vcs(r, t, asked, lower, upper, multi_branch_, moved)) {
    // A zero-cycle VC allocation lets the winners bid for the switch in the same cycle.
    for (unsigned left = occupied_ports_[r]; left; left &= left - 1) {
      const int p = __builtin_ctz(left);
      for (unsigned vcs = occupied[p]; vcs; vcs &= vcs - 1) {
        const int vc = __builtin_ctz(vcs);
        const InputVc& in = in_vc_[first + p * vcs_ + vc];
        if (in.state == kActive && in.ready <= t && in.front_arrival <= t) {
          switch_ready[p] = static_cast<uint16_t>(switch_ready[p] | (1u << vc));
          ready += 2;  // counted again: the general allocator decides
        }
      }
    }
  }
  // Most steps have one VC ready to cross: it meets no competition, so the allocator's general case is
  // not needed to find what it would grant.
  if (ready == 1 ? allocate_switch_one(r, t, ready_port, ready_vc, wake)
                 : ready > 1 && allocate_switch(r, t, switch_ready, wake))
    moved = true;

  // Otherwise nothing here changes until a flit arrives, a stage ends or a credit returns: a VC that waits
  // for an output VC waits for a tail to leave this router, which is a move. Others may have asked for a
  // wake-up while this router stepped (a credit it waits for, sent by a router stepped after it).
  finish_step(r, t, moved, wake);
}

void FlitNetwork::finish_step(int r, uint64_t t, bool moved, uint64_t wake) {
  if (moved) wake = t + 1;
  const uint64_t late = late_wake_[r];
  late_wake_[r] = kNever;
  if (late > t && late < wake) wake = late;
  wake_[r] = wake;
}

bool FlitNetwork::move_train(int r, uint64_t t, int p, int vc) {
  // A flit sent to this router in this cycle or later arrives to_next_router_ + link_latency_ cycles later
  // at the earliest, and one its endpoint injects injection_latency_ later (a new packet's head then has
  // its route to compute before it competes). Until `last` no flit this router does not hold yet can bid
  // for its switch or ask for the output VC this packet releases, so the router would do nothing but move
  // this VC's flits, one per cycle, each when it has arrived and a credit for it is back. Each move is
  // made with its own cycle (buffers, credits, deliveries, statistics), exactly as the steps would make
  // it. Credits the downstream router has not sent yet come back after the ones on their way, so the
  // train stops where the known credits run out and the next step carries on.
  const Source& source = sources_[r];
  const bool source_idle = source.current == kNone || (p == kInjectPort && source.vc == vc);
  uint64_t window = source_idle ? bulk_window_idle_source_ : injection_latency_;
  if (window > bulk_window_link_) window = options_.trains ? std::min(window, link_window(r)) : bulk_window_link_;
  if (window < 2) return false;
  const uint64_t last = t + window - 1;
  const size_t i = ivc(r, p, vc);
  InputVc& in = in_vc_[i];
  if (in.branch_mask & (in.branch_mask - 1)) return move_multicast_train(r, t, p, vc, last);
  const int o = __builtin_ctz(in.branch_mask);
  const size_t out = ovc(r, o, in.out_vc[o]);
  const bool eject = o == kEjectPort;
  const int d = eject ? -1 : neighbor_[static_cast<size_t>(r) * kNumLinkDirections + o];
  if (d == r) return false;
  // Where each flit's credit goes: the upstream router's output VC, or the endpoint's.
  const int upstream = p == kInjectPort ? -1 : neighbor_[static_cast<size_t>(r) * kNumLinkDirections + opposite(p)];
  if (upstream == r) return false;  // a ring of one router: its credits would feed this train
  // What every flit of the train shares, looked up once: traverse() for one branch, unrolled here.
  const Flit* ring = &buffer_[i * depth_];
  OutputVc& ov = out_vc_[out];
  const uint64_t* ov_ring = &credit_return_[out * depth_];
  const int down_vc = in.out_vc[o];
  const size_t down = eject ? 0 : ivc(d, o, down_vc);
  Flit* down_ring = &buffer_[down * depth_];
  const int link = r * kNumLinkDirections + o;
  const uint64_t hop = to_next_router_ + link_latency_;
  const size_t up_out = upstream < 0 ? ovc(r, kSourcePort, vc) : ovc(upstream, p, vc);
  const uint64_t up_delay = upstream < 0 ? static_cast<uint64_t>(config_.delays.credit) + injection_latency_ : credit_latency_;
  OutputVc& up = out_vc_[up_out];
  uint64_t* up_ring = &credit_return_[up_out * depth_];
  // The buffer's and the credit rings' positions in locals, written back once: nothing but this train
  // reads them until it ends (the downstream router and the upstream one act in later steps).
  uint16_t head = in.buf_head;
  uint16_t count = in.buf_count;
  uint64_t front = in.front_arrival;
  int credits = ov.credits;
  uint16_t credit_head = ov.credit_head, credit_count = ov.credit_count;
  uint16_t up_count = up.credit_count;
  const uint16_t up_head = up.credit_head;
  uint64_t occupancy = 0;  // flit-cycles the moved flits spent in this buffer
  uint32_t n = 0;          // flits moved
  uint32_t later = 0;      // of which in cycles after t
  bool tail = false;
  uint64_t at = t;
  uint64_t moved = kNever;  // cycle of the last flit moved
  while (count > 0) {
    uint64_t when = front > at ? front : at;
    if (!eject && credits <= 0) {
      if (credit_count == 0) break;
      const uint64_t back = ov_ring[credit_head];
      if (back > when) when = back;
    }
    if (when > last) break;
    const Flit flit = ring[head];
    tail = flit.tail;
    if (eject) {
      if (tail) {
        if (!packets_[flit.packet].multicast) ov.busy = 0;
        retire(flit.packet, r, when + to_endpoint_);
        free_packet(flit.packet);
      }
    } else {
      // take_credit(): credits come back lazily, when none is at hand.
      while (credits <= 0 && credit_count > 0 && ov_ring[credit_head] <= when) {
        ++credits;
        credit_head = static_cast<uint16_t>(credit_head + 1 == depth_ ? 0 : credit_head + 1);
        --credit_count;
      }
      --credits;
      // Counted before the push: a multicast head routed on arrival copies its hops into the child packets.
      if (flit.head) ++packets_[flit.packet].hops;
      const uint64_t arrival = when + hop;
      if (n == 0) {
        push_flit(d, o, down_vc, flit.packet, flit.head, tail, arrival);
      } else {
        // push_flit() into a buffer this train has made non-empty: the flit's slot, and the wake-up of the
        // second flit (later ones arrive later still).
        InputVc& dn = in_vc_[down];
        if (arrival - dn.front_arrival > 0xffffffffu)
          throw std::overflow_error("flit NoC: a flit arrives 2^32 cycles or more after the front flit of its buffer");
        down_ring[wrap(static_cast<size_t>(dn.buf_head) + dn.buf_count)] = Flit{flit.packet, flit.head, tail, static_cast<uint32_t>(arrival)};
        ++dn.buf_count;
        if (n == 1) activate(d, arrival);
      }
      counters_.count_link_flit(link, when);
      if (tail) ov.busy = 0;
    }
    // pop_flit().
    occupancy += when - front;
    head = static_cast<uint16_t>(head + 1 == depth_ ? 0 : head + 1);
    if (--count > 0) front += static_cast<uint32_t>(ring[head].arrival - static_cast<uint32_t>(front));
    // return_credit(), with the upstream end known: an upstream router with no credit at hand or on the
    // way may be asleep waiting for this one.
    const uint64_t back = when + up_delay;
    if (upstream >= 0 && up.credits == 0 && up_count == 0 && flits_in_router_[upstream] > 0) activate(upstream, back);
    up_ring[wrap(static_cast<size_t>(up_head) + up_count)] = back;
    ++up_count;
    if (when > t) {
      // Counted as of the cycle it moves in; an ejected flit is in the network until then.
      ++ahead_[when & (kLeavingSlots - 1)][eject ? 0 : 1];
      ++later;
    }
    ++n;
    moved = when;
    at = when + 1;
    if (tail) break;
  }
  if (moved == kNever) return false;
  // Write back what the flits changed, as their pushes, pops and credits would have one by one.
  if (!eject) {
    ov.credits = static_cast<int16_t>(credits);
    ov.credit_head = credit_head;
    ov.credit_count = credit_count;
    ov.last_asked = moved;
    flits_in_router_[d] += n - 1;  // the first by push_flit()
    flits_in_routers_ += n - 1;
  } else {
    ejected_flits_ += n;
  }
  ahead_total_[eject ? 0 : 1] += later;
  if (eject) flits_in_routers_ += later;
  flits_in_router_[r] -= n;
  flits_in_routers_ -= n;
  up.credit_count = up_count;
  occupancy_sum_[r] += occupancy;
  if (moved > last_progress_) last_progress_ = moved;
  in.buf_head = head;
  in.buf_count = count;
  if (count == 0) {
    in.front_arrival = kNever;
    uint16_t& vcs = occupied_[static_cast<size_t>(r) * kNumPorts + p];
    vcs &= static_cast<uint16_t>(~(1u << vc));
    if (!vcs) occupied_ports_[r] &= static_cast<uint8_t>(~(1u << p));
  } else {
    in.front_arrival = front;
  }
  if (tail) {
    in.state = kIdle;
    in.branch_mask = 0;
    in.split = false;
  }
  // The grants one-iteration iSLIP gives a lone requester, the same for every flit of the train.
  const size_t rp = static_cast<size_t>(r) * kNumPorts;
  sw_grant_rr_[rp + o] = static_cast<uint8_t>(p + 1 == kNumPorts ? 0 : p + 1);
  sw_accept_rr_[rp + p] = static_cast<uint8_t>(o + 1 == kNumPorts ? 0 : o + 1);
  sw_input_rr_[rp + p] = static_cast<uint8_t>(vc + 1 == vcs_ ? 0 : vc + 1);
  // Simulated up to `moved`: the next step is the cycle after, and a wake-up asked for earlier means
  // nothing now.
  resume_at_[r] = moved + 1;
  wake_[r] = moved + 1;
  late_wake_[r] = kNever;
  return true;
}

uint64_t FlitNetwork::link_window(int r) const {
  // A flit reaches this router by a link from an upstream router u. When u holds flits, one may leave it
  // now and arrive to_next_router_ + link_latency_ later. When u holds none (its buffers include the flits
  // on their way to it), a flit must first reach u, from u's endpoint (injection_latency_ at the earliest,
  // plus the route stage when u's endpoint is between packets, as for this router's) or from a router
  // upstream of u (a hop), and then make the hop to here.
  const uint64_t hop = bulk_window_link_;
  uint64_t window = kLeavingSlots - 1;
  for (int q = 0; q < kNumLinkDirections; ++q) {
    const int u = neighbor_[static_cast<size_t>(r) * kNumLinkDirections + opposite(q)];
    if (u < 0) continue;
    if (flits_in_router_[u] > 0) return hop;
    uint64_t into_u = sources_[u].current == kNone ? bulk_window_idle_source_ : injection_latency_;
    for (int w = 0; w < kNumLinkDirections && into_u > hop; ++w)
      if (neighbor_[static_cast<size_t>(u) * kNumLinkDirections + opposite(w)] >= 0) into_u = hop;
    window = std::min(window, into_u + hop);
  }
  return window;
}

void FlitNetwork::route(int r, int in_port, int vc, uint64_t t) {
  const size_t i = ivc(r, in_port, vc);
  InputVc& in = in_vc_[i];
  Branches& branches = branches_[i];
  const uint32_t packet = buffer_[i * depth_ + in.buf_head].packet;
  const int net = network_of(r);
  const Network& network = networks_[net];
  const Grid& grid = network.grid;
  const int node = r - net * nodes_;
  const unsigned ties = packets_[packet].tie_bits;

  in.branch_mask = 0;
  in.class1_mask = 0;
  in.split = false;
  in.out_vc.fill(-1);
  // Destinations grouped by the output they take from here (several only for a multicast).
  std::array<int, kNumPorts> first_dst{};
  std::array<int, kNumPorts> dst_count{};
  const int unicast_dst = packets_[packet].dst;
  if (unicast_dst >= 0) {
    int dir = next_direction(network, node, unicast_dst, ties);
    in.branch_mask = static_cast<uint8_t>(1u << dir);
    branches.packet[dir] = packet;
    first_dst[dir] = unicast_dst;
    dst_count[dir] = 1;
  } else {
    for (int dst : multicast_lists_[packets_[packet].dst_list]) {
      int dir = next_direction(network, node, dst, ties);
      if (dst_count[dir]++ == 0) first_dst[dir] = dst;
      in.branch_mask = static_cast<uint8_t>(in.branch_mask | (1u << dir));
    }
    if (__builtin_popcount(in.branch_mask) == 1) {
      branches.packet[__builtin_ctz(in.branch_mask)] = packet;
    } else {
      // Replicate: each branch carries a child packet with its share of the destinations.
      in.split = true;
      for (int dir = 0; dir < kNumPorts; ++dir) {
        if (!(in.branch_mask & (1u << dir))) continue;
        uint32_t child = new_packet();
        Packet copy = packets_[packet];
        if (dst_count[dir] == 1) {
          copy.dst = first_dst[dir];
          copy.dst_list = kNone;
        } else {
          const uint32_t list = new_multicast_list();
          std::vector<int>& sub = multicast_lists_[list];
          for (int dst : multicast_lists_[packets_[packet].dst_list])
            if (next_direction(network, node, dst, ties) == dir) sub.push_back(dst);
          copy.dst = -1;
          copy.dst_list = list;
        }
        packets_[child] = copy;
        branches.packet[dir] = child;
      }
    }
  }

  if (classes_) {
    // Dateline classes keep each ring's channel dependencies acyclic. Bidirectional rings follow BookSim2's
    // dim_order_torus: on entering a dimension, a packet whose minimal path wraps round takes the upper
    // class for the whole dimension. Unidirectional rings (tt_dual) can be longer than half a ring, so
    // there a packet switches to the upper class once it has crossed the wrap-around link.
    const bool bidirectional = network.routing == RoutingKind::minimal_xy;
    const bool arrived_class1 = in_port != kInjectPort && vc >= vcs_ / 2;
    for (int dir = 0; dir < kNumLinkDirections; ++dir) {
      if (!(in.branch_mask & (1u << dir))) continue;
      const bool same_axis = in_port != kInjectPort && axis_of(in_port) == axis_of(dir);
      bool class1;
      if (bidirectional) {
        if (same_axis) {
          class1 = arrived_class1;
        } else {
          class1 = false;
          auto wraps = [&](int dst) {
            int cur = axis_of(dir) == 0 ? grid.x(node) : grid.y(node);
            int to = axis_of(dir) == 0 ? grid.x(dst) : grid.y(dst);
            return positive(dir) ? to < cur : to > cur;
          };
          const Packet& branch = packets_[branches.packet[dir]];
          if (branch.dst >= 0) {
            class1 = wraps(branch.dst);
          } else {
            for (int dst : multicast_lists_[branch.dst_list]) class1 = class1 || wraps(dst);
          }
        }
      } else {
        const int upstream = same_axis ? grid.neighbor(node, opposite(in_port)) : -1;
        class1 = same_axis && (arrived_class1 || grid.crosses_dateline(upstream, in_port));
      }
      if (class1) in.class1_mask = static_cast<uint8_t>(in.class1_mask | (1u << dir));
    }
  }
  in.pending_va = in.branch_mask;
  if (packets_[packet].multicast && (in.branch_mask & (1u << kEjectPort))) {
    // Multicast copies eject without an ejection VC: the endpoint always accepts, and a copy holding one
    // while its packet waits on another branch could close a cycle with packets waiting to eject.
    in.out_vc[kEjectPort] = 0;
    in.pending_va = static_cast<uint8_t>(in.pending_va & ~(1u << kEjectPort));
  }
  branches.ahead.fill(0);
  in.state = kVcAlloc;
  in.ready = t + static_cast<uint64_t>(config_.delays.routing);
  if (in.pending_va == 0) {
    // Nothing to allocate (a multicast copy that only ejects here): the VC stage still takes its time.
    in.state = kActive;
    in.ready += static_cast<uint64_t>(config_.delays.vc_alloc);
  }
}

}  // namespace tessera::noc::flit
