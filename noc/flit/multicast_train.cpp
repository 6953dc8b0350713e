// Trains of a multicast packet whose branches leave by several ports: move_train's case where the lone
// VC's flits cross to every branch at once, cycle after cycle, as one-iteration iSLIP broadcasts them when
// every branch has its credit.
#include "noc/flit/flit_network.h"
#include "noc/flit/flit_moves.h"

namespace tessera::noc::flit {

bool FlitNetwork::move_multicast_train(int r, uint64_t t, int p, int vc, uint64_t last) {
  const size_t i = ivc(r, p, vc);
  InputVc& in = in_vc_[i];
  const Branches& branches = branches_[i];
  const unsigned mask = in.branch_mask;
  if (!in.split) return false;  // several branches always carry child packets (route())
  // Branches in step (none ahead of the others) and no link back to this router.
  std::array<size_t, kNumPorts> out{};
  for (unsigned b = mask; b; b &= b - 1) {
    const int o = __builtin_ctz(b);
    if (branches.ahead[o] != 0) return false;
    if (o != kEjectPort && neighbor_[static_cast<size_t>(r) * kNumLinkDirections + o] == r) return false;
    out[o] = ovc(r, o, in.out_vc[o]);
  }
  if (p != kInjectPort && neighbor_[static_cast<size_t>(r) * kNumLinkDirections + opposite(p)] == r) return false;
  const size_t rp = static_cast<size_t>(r) * kNumPorts;
  uint64_t at = t;
  uint64_t moved = kNever;  // cycle of the last flit moved
  while (in.buf_count > 0) {
    const uint64_t when = in.front_arrival > at ? in.front_arrival : at;
    if (when > last) break;
    // In step only while every branch has a credit in the flit's cycle: one that has none then stays
    // behind while the others move, and the steps carry on from there.
    bool all = true;
    for (unsigned b = mask; b && all; b &= b - 1) {
      const OutputVc& o = out_vc_[out[__builtin_ctz(b)]];
      all = o.credits > 0 || (o.credit_count > 0 && credit_return_[out[__builtin_ctz(b)] * depth_ + o.credit_head] <= when);
    }
    if (!all) break;
    // allocate_switch_one(): every branch bids (taking its credit), the port accepts the first output at
    // or after its pointer, and the others, at the same flit, cross with it.
    for (unsigned b = mask; b; b &= b - 1) take_credit(out[__builtin_ctz(b)], when);
    const unsigned rotated = ((mask >> sw_accept_rr_[rp + p]) | (mask << (kNumPorts - sw_accept_rr_[rp + p]))) & ((1u << kNumPorts) - 1);
    int first = sw_accept_rr_[rp + p] + __builtin_ctz(rotated);
    if (first >= kNumPorts) first -= kNumPorts;
    sw_grant_rr_[rp + first] = static_cast<uint8_t>(p + 1 == kNumPorts ? 0 : p + 1);
    sw_accept_rr_[rp + p] = static_cast<uint8_t>(first + 1 == kNumPorts ? 0 : first + 1);
    sw_input_rr_[rp + p] = static_cast<uint8_t>(vc + 1 == vcs_ ? 0 : vc + 1);
    const bool tail = buffer_[i * depth_ + in.buf_head].tail;
    broadcast_flit(r, p, vc, first, when);
    if (when > t) {
      // Counted as of the cycle they move in; an ejected copy is in the network until then.
      for (unsigned b = mask; b; b &= b - 1) {
        const int k = __builtin_ctz(b) == kEjectPort ? 0 : 1;
        ++ahead_[when & (kLeavingSlots - 1)][k];
        ++ahead_total_[k];
        if (k == 0) ++flits_in_routers_;
      }
    }
    moved = when;
    at = when + 1;
    if (tail) break;
  }
  if (moved == kNever) return false;
  resume_at_[r] = moved + 1;
  wake_[r] = moved + 1;
  late_wake_[r] = kNever;
  return true;
}

}  // namespace tessera::noc::flit
