// Switch allocation: which input port sends a flit to which output port this cycle.
#include "noc/flit/flit_network.h"
#include "noc/flit/flit_moves.h"

namespace tessera::noc::flit {

namespace {

// First set bit of `mask` at or after `start`, wrapping round `width` bits; -1 when empty.
inline int round_robin_pick(unsigned mask, int start, int width) {
  if (mask == 0) return -1;
  unsigned rotated = (mask >> start) | (mask << (width - start));
  rotated &= (1u << width) - 1;
  int pick = start + __builtin_ctz(rotated);
  return pick >= width ? pick - width : pick;
}

}  // namespace

inline bool FlitNetwork::branch_can_bid(int r, size_t i, int o, bool branches, uint64_t t, uint64_t& wake) {
  if (branches && branches_[i].ahead[o] > 0 && !branch_flit_ready(i, o, t, wake)) return false;
  const size_t out = ovc(r, o, in_vc_[i].out_vc[o]);
  if (take_credit(out, t)) return true;
  // The next credit on its way back, if any; else return_credit wakes this router.
  const OutputVc& ov = out_vc_[out];
  if (ov.credit_count > 0) {
    const uint64_t back = credit_return_[out * depth_ + ov.credit_head];
    if (back < wake) wake = back;
  }
  return false;
}

bool FlitNetwork::allocate_switch(int r, uint64_t t, const std::array<uint16_t, kNumPorts>& switch_ready,
                                  uint64_t& wake) {
  // Requests: per input port, the outputs wanted by its VCs' front flits (one VC per output, picked round
  // robin from the port's pointer). Then one iSLIP iteration between input and output ports.
  const size_t first = ivc(r, 0, 0);
  const unsigned all_vcs = (1u << vcs_) - 1;
  std::array<uint8_t, kNumPorts> request{};
  std::array<uint8_t, kNumPorts> requesters{};  // per output port: input ports asking for it
  std::array<std::array<int8_t, kNumPorts>, kNumPorts> chosen_vc;
  unsigned outputs_asked = 0;
  unsigned ports_asking = 0;  // input ports with a request
  for (int p = 0; p < kNumPorts; ++p) {
    const unsigned here = switch_ready[p];
    if (!here) continue;
    // This port's ready VCs in round-robin order: rotate so that the pointer's VC comes first.
    const int start = sw_input_rr_[r * kNumPorts + p];
    const unsigned rotated = ((here >> start) | (here << (vcs_ - start))) & all_vcs;
    for (unsigned order = rotated; order; order &= order - 1) {
      int vc = __builtin_ctz(order) + start;
      if (vc >= vcs_) vc -= vcs_;
      const size_t i = first + static_cast<size_t>(p * vcs_ + vc);
      const InputVc& in = in_vc_[i];
      const bool branches = (in.branch_mask & (in.branch_mask - 1)) != 0;
      for (unsigned wanted = in.branch_mask & ~request[p]; wanted; wanted &= wanted - 1) {
        const int o = __builtin_ctz(wanted);
        if (!branch_can_bid(r, i, o, branches, t, wake)) continue;
        request[p] = static_cast<uint8_t>(request[p] | (1u << o));
        requesters[o] = static_cast<uint8_t>(requesters[o] | (1u << p));
        chosen_vc[p][o] = static_cast<int8_t>(vc);
        outputs_asked |= 1u << o;
        ports_asking |= 1u << p;
      }
    }
  }
  if (!outputs_asked) return false;
  uint8_t* grant_rr = &sw_grant_rr_[static_cast<size_t>(r) * kNumPorts];
  uint8_t* accept_rr = &sw_accept_rr_[static_cast<size_t>(r) * kNumPorts];
  std::array<uint8_t, kNumPorts> grants;  // per input port: outputs that granted it
  unsigned inputs_granted = 0;
  if (ports_asking & (ports_asking - 1)) {
    grants.fill(0);
    for (unsigned outs = outputs_asked; outs; outs &= outs - 1) {
      const int o = __builtin_ctz(outs);
      const int p = round_robin_pick(requesters[o], grant_rr[o], kNumPorts);
      grants[p] = static_cast<uint8_t>(grants[p] | (1u << o));
      inputs_granted |= 1u << p;
    }
  } else {
    // One input port asks: every output it asks for grants it (the common case, worth no loop).
    inputs_granted = ports_asking;
    grants[__builtin_ctz(ports_asking)] = static_cast<uint8_t>(outputs_asked);
  }
  for (unsigned ins = inputs_granted; ins; ins &= ins - 1) {
    const int p = __builtin_ctz(ins);
    const int o = round_robin_pick(grants[p], accept_rr[p], kNumPorts);
    grant_rr[o] = static_cast<uint8_t>(p + 1 == kNumPorts ? 0 : p + 1);
    accept_rr[p] = static_cast<uint8_t>(o + 1 == kNumPorts ? 0 : o + 1);
    const int vc = chosen_vc[p][o];
    sw_input_rr_[r * kNumPorts + p] = static_cast<uint8_t>(vc + 1 == vcs_ ? 0 : vc + 1);
    // A multicast flit also takes the other outputs that granted its port, as a crossbar broadcast, when
    // those branches are at the same flit.
    unsigned also = 0;
    if (grants[p] & (grants[p] - 1)) {
      const size_t i = first + static_cast<size_t>(p * vcs_ + vc);
      const Branches& b = branches_[i];
      for (unsigned others = grants[p] & ~(1u << o); others; others &= others - 1) {
        const int other = __builtin_ctz(others);
        if (chosen_vc[p][other] == vc && b.ahead[other] == b.ahead[o]) also |= 1u << other;
      }
      const InputVc& in = in_vc_[i];
      if (in.split && (also | (1u << o)) == in.branch_mask && b.ahead[o] == 0) {
        broadcast_flit(r, p, vc, o, t);  // every branch at the front flit
        continue;
      }
    }
    traverse(r, p, vc, o, t);
    for (; also; also &= also - 1) traverse(r, p, vc, __builtin_ctz(also), t);
  }
  return true;
}

bool FlitNetwork::allocate_switch_one(int r, uint64_t t, int p, int vc, uint64_t& wake) {
  // allocate_switch with one requester: its outputs all grant it, it accepts the first at or after its
  // pointer, and its other granted branches at the same flit cross with it.
  const size_t i = ivc(r, p, vc);
  const InputVc& in = in_vc_[i];
  const bool branches = (in.branch_mask & (in.branch_mask - 1)) != 0;
  unsigned request = 0;
  for (unsigned wanted = in.branch_mask; wanted; wanted &= wanted - 1) {
    const int o = __builtin_ctz(wanted);
    if (branch_can_bid(r, i, o, branches, t, wake)) request |= 1u << o;
  }
  if (!request) return false;
  const size_t rp = static_cast<size_t>(r) * kNumPorts;
  const int o = round_robin_pick(request, sw_accept_rr_[rp + p], kNumPorts);
  sw_grant_rr_[rp + o] = static_cast<uint8_t>(p + 1 == kNumPorts ? 0 : p + 1);
  sw_accept_rr_[rp + p] = static_cast<uint8_t>(o + 1 == kNumPorts ? 0 : o + 1);
  sw_input_rr_[rp + p] = static_cast<uint8_t>(vc + 1 == vcs_ ? 0 : vc + 1);
  unsigned also = 0;
  for (unsigned others = request & ~(1u << o); others; others &= others - 1) {
    const int other = __builtin_ctz(others);
    if (branches_[i].ahead[other] == branches_[i].ahead[o]) also |= 1u << other;
  }
  if (in.split && (also | (1u << o)) == in.branch_mask && branches_[i].ahead[o] == 0) {
    broadcast_flit(r, p, vc, o, t);  // every branch at the front flit
    return true;
  }
  traverse(r, p, vc, o, t);
  for (; also; also &= also - 1) traverse(r, p, vc, __builtin_ctz(also), t);
  return true;
}

bool FlitNetwork::branch_flit_ready(size_t i, int branch, uint64_t t, uint64_t& wake) const {
  // The next flit for this branch must be buffered, belong to the same packet and have arrived. One not yet
  // buffered wakes the router when it is pushed; one of the next packet waits for this one's other branches.
  const InputVc& in = in_vc_[i];
  const uint8_t ahead = branches_[i].ahead[branch];
  if (ahead >= in.buf_count) return false;
  const Flit& front = buffer_[i * depth_ + in.buf_head];
  const Flit& next = buffer_[i * depth_ + wrap(static_cast<size_t>(in.buf_head) + ahead)];
  if (next.packet != front.packet) return false;
  const uint64_t arrival = arrival_of(in, next);
  if (arrival > t) {
    if (arrival < wake) wake = arrival;
    return false;
  }
  return true;
}

}  // namespace tessera::noc::flit
