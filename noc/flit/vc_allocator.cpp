// VC allocation: which waiting packet gets which output VC of the port it leaves by.
#include "noc/flit/flit_network.h"

namespace tessera::noc::flit {

bool FlitNetwork::allocate_vcs(int r, uint64_t t, unsigned asked, VcRequests& lower, VcRequests& upper,
                               const std::vector<int>& multi_branch, bool& granted) {
  const size_t first = ivc(r, 0, 0);
  const int count = kNumPorts * vcs_;
  const int half = vcs_ / 2;
  bool activated_now = false;
  auto activate_vc = [&](InputVc& in) {
    granted = true;
    in.state = kActive;
    in.ready = t + static_cast<uint64_t>(config_.delays.vc_alloc);
    activated_now = activated_now || in.ready <= t;
  };
  auto eligible_class = [&](const InputVc& in, int o, int ov) {
    return !classes_ || o == kEjectPort || (ov >= half) == (((in.class1_mask >> o) & 1u) != 0);
  };

  // Multicast packets first, and all at once: a packet leaving by several ports gets a VC on every one of
  // them in the same cycle or none, so that it never holds one branch's VC while waiting for another's
  // (two such packets would deadlock), and it is served before single-port packets so that it does not
  // starve waiting for every port to be free at once.
  for (int k : multi_branch) {
    InputVc& in = in_vc_[first + k];
    std::array<int8_t, kNumPorts> chosen;
    bool all = true;
    for (unsigned pending = in.pending_va; pending && all; pending &= pending - 1) {
      const int o = __builtin_ctz(pending);
      chosen[o] = -1;
      for (int ov = 0; ov < vcs_ && chosen[o] < 0; ++ov)
        if (!out_vc_[ovc(r, o, ov)].busy && eligible_class(in, o, ov)) chosen[o] = static_cast<int8_t>(ov);
      all = chosen[o] >= 0;
    }
    const int p = k / vcs_, vc = k - p * vcs_;
    for (unsigned pending = in.pending_va; pending; pending &= pending - 1) {
      const int o = __builtin_ctz(pending);
      lower[o][p] = static_cast<uint16_t>(lower[o][p] & ~(1u << vc));
      upper[o][p] = static_cast<uint16_t>(upper[o][p] & ~(1u << vc));
      if (all) {
        in.out_vc[o] = chosen[o];
        out_vc_[ovc(r, o, chosen[o])].busy = 1;
      }
    }
    if (all) {
      in.pending_va = 0;
      activate_vc(in);
    }
  }

  // Then one-iteration iSLIP per output port: each free output VC grants one requesting input VC (round
  // robin over the router's input VCs), each input VC accepts one grant (round robin over output VCs);
  // pointers move only on acceptance. With dateline classes, the lower half of a link's VCs serves class 0
  // and the upper half class 1.
  for (; asked; asked &= asked - 1) {
    const int o = __builtin_ctz(asked);
    std::array<uint16_t, kNumPorts> all;
    bool any = false;
    for (int p = 0; p < kNumPorts; ++p) {
      all[p] = static_cast<uint16_t>(lower[o][p] | upper[o][p]);
      any = any || all[p];
    }
    if (!any) continue;
    std::array<int8_t, kMaxVcs> granted_ov;  // per grant: the output VC
    std::array<int, kMaxVcs> grant_k;        // per grant: the input VC
    int grants = 0;
    for (int ov = 0; ov < vcs_; ++ov) {
      const size_t out = ovc(r, o, ov);
      if (out_vc_[out].busy) continue;
      const std::array<uint16_t, kNumPorts>& eligible =
          (!classes_ || o == kEjectPort) ? all : (ov >= half ? upper[o] : lower[o]);
      const int k = pick_requester(eligible, out_vc_[out].va_grant_rr);
      if (k < 0) continue;
      // Several grants reaching one input VC: it accepts the first at or after its pointer.
      int same = -1;
      for (int g = 0; g < grants; ++g)
        if (grant_k[g] == k) same = g;
      if (same < 0) {
        grant_k[grants] = k;
        granted_ov[grants] = static_cast<int8_t>(ov);
        ++grants;
      } else {
        const int pointer = va_accept_rr_[first + k];
        auto distance = [&](int v) { return (v - pointer + vcs_) % vcs_; };
        if (distance(ov) < distance(granted_ov[same])) granted_ov[same] = static_cast<int8_t>(ov);
      }
    }
    for (int g = 0; g < grants; ++g) {
      const int k = grant_k[g];
      const int ov = granted_ov[g];
      const size_t out = ovc(r, o, ov);
      InputVc& in = in_vc_[first + k];
      in.out_vc[o] = static_cast<int8_t>(ov);
      in.pending_va = static_cast<uint8_t>(in.pending_va & ~(1u << o));
      granted = true;
      out_vc_[out].busy = 1;
      out_vc_[out].va_grant_rr = static_cast<uint8_t>(k + 1 == count ? 0 : k + 1);
      va_accept_rr_[first + k] = static_cast<uint8_t>(ov + 1 == vcs_ ? 0 : ov + 1);
      if (in.pending_va == 0) activate_vc(in);
    }
  }
  return activated_now;
}

bool FlitNetwork::allocate_vc_one(int r, uint64_t t, int p, int vc) {
  // allocate_vcs with one requester and one port: every free output VC of its class grants it (whatever
  // the grant pointers), and it accepts the first at or after its own pointer.
  const int k = p * vcs_ + vc;
  const size_t i = ivc(r, 0, 0) + static_cast<size_t>(k);
  InputVc& in = in_vc_[i];
  const int o = __builtin_ctz(in.pending_va);
  int lo = 0, hi = vcs_;
  if (classes_ && o != kEjectPort) (((in.class1_mask >> o) & 1u) ? lo : hi) = vcs_ / 2;
  const int pointer = va_accept_rr_[i];
  int best = -1, best_distance = vcs_;
  for (int ov = lo; ov < hi; ++ov) {
    if (out_vc_[ovc(r, o, ov)].busy) continue;
    const int distance = ov >= pointer ? ov - pointer : ov - pointer + vcs_;
    if (distance < best_distance) {
      best = ov;
      best_distance = distance;
    }
  }
  if (best < 0) return false;  // none free: a tail leaving this router frees one, which is a move
  OutputVc& out = out_vc_[ovc(r, o, best)];
  in.out_vc[o] = static_cast<int8_t>(best);
  in.pending_va = 0;
  out.busy = 1;
  out.va_grant_rr = static_cast<uint8_t>(k + 1 == kNumPorts * vcs_ ? 0 : k + 1);
  va_accept_rr_[i] = static_cast<uint8_t>(best + 1 == vcs_ ? 0 : best + 1);
  in.state = kActive;
  in.ready = t + static_cast<uint64_t>(config_.delays.vc_alloc);
  return true;
}

int FlitNetwork::pick_requester(const std::array<uint16_t, kNumPorts>& requests, int start) const {
  // Input VCs are numbered port * vcs_ + vc; the first requester at or after `start`, wrapping round.
  const int p0 = start / vcs_, v0 = start - p0 * vcs_;
  unsigned here = requests[p0] & (~0u << v0);
  if (here) return p0 * vcs_ + __builtin_ctz(here);
  for (int i = 1; i < kNumPorts; ++i) {
    const int p = p0 + i < kNumPorts ? p0 + i : p0 + i - kNumPorts;
    if (requests[p]) return p * vcs_ + __builtin_ctz(requests[p]);
  }
  here = requests[p0] & ((1u << v0) - 1);
  return here ? p0 * vcs_ + __builtin_ctz(here) : -1;
}

}  // namespace tessera::noc::flit
