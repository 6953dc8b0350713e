#pragma once
// Cycle-accurate network of input-queued virtual-channel routers (BookSim2's "iq" router): per-VC input
// buffers, wormhole flow control with credits, route computation, VC allocation and switch allocation
// (one-iteration iSLIP), pipeline delays from RouterDelays. Only routers holding flits are stepped, and
// time jumps over cycles in which nothing is in the routers.
//
// State lives in flat arrays indexed by router, port and VC, so that the cycle loop touches little memory
// and allocates nothing per flit.
#include <array>
#include <cstdint>
#include <deque>
#include <stdexcept>
#include <string>
#include <vector>

#include "noc/noc_config.h"
#include "noc/noc_counters.h"
#include "noc/noc_model.h"
#include "noc/routing.h"

namespace tessera::noc::flit {

constexpr uint32_t kNone = 0xffffffffu;
constexpr int kInjectPort = kLocal;   // input port fed by the endpoint
constexpr int kEjectPort = kLocal;    // output port to the endpoint
constexpr int kSourcePort = 5;        // the endpoint's side of the injection channel, as an output port
constexpr int kMaxVcs = 16;
// VC allocation requests: per output port, per input port, a bit per input VC.
using VcRequests = std::array<std::array<uint16_t, kNumPorts>, kNumPorts>;

// Thrown by the watchdog: nothing moved for watchdog_cycles while flits were in the network.
class DeadlockError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Options that exist for tests and for replaying BookSim2 setups.
struct FlitOptions {
  bool datelines = true;  // false: any VC on any hop, which lets rings deadlock (watchdog tests)
  bool trains = true;     // false: every flit moved by a step of its own cycle (tests compare the two)
};

// A packet leaving the network at its destination, reported to whoever measures.
struct RetiredPacket {
  uint32_t tag;         // caller's tag (message slot or measurement flag)
  uint64_t created;     // cycle the packet was queued at its source
  uint64_t injected;    // cycle its head entered the injection channel
  uint64_t delivered;   // cycle its tail reached the destination endpoint
  uint32_t flits;
  uint32_t hops;        // router-to-router links crossed
  int32_t dst;
};

class FlitNetwork {
 public:
  FlitNetwork(const NocConfig& config, FlitOptions options = {});

  // Queues a packet of `flits` flits at `src` on network `net`, created at `created` (not before the last
  // simulated cycle). `dsts` holds one node, or several for a multicast. `tie_bits` breaks half-ring ties.
  void enqueue_packet(int net, int src, const std::vector<int>& dsts, uint32_t flits, uint64_t created,
                      unsigned tie_bits, uint32_t tag);
  // Simulates cycles up to and including `cycle`. With `stop_at_retire`, returns right after the first
  // cycle in which a packet was retired. Returns the last cycle simulated.
  uint64_t run_until(uint64_t cycle, bool stop_at_retire);

  // Retired packets not yet taken, in delivery order.
  std::vector<RetiredPacket>& retired() { return retired_; }
  bool idle() const { return flits_in_routers_ == 0 && queued_packets_ == 0 && pending_retire_.empty(); }
  // Earliest cycle with work: the next cycle when flits are in the routers, else the next delivery or
  // queued packet; kNever when idle.
  uint64_t next_event_cycle() const;
  uint64_t now() const { return now_; }
  bool started() const { return started_; }

  // Packets waiting at `net`/`src` plus flits of the one being injected: a load estimate.
  uint64_t source_backlog(int net, int src) const;
  const std::vector<Network>& networks() const { return networks_; }
  const NocCounters& counters() const { return counters_; }
  NocCounters& counters() { return counters_; }
  // Flits ejected and router-to-router flit-hops so far, up to the last simulated cycle (counters() also
  // holds the moves of train moves ahead of it, in the cycles they take).
  uint64_t ejected_flits() const { return ejected_flits_ - ahead_total_[0]; }
  uint64_t flit_hops() const { return counters_.flit_hops - ahead_total_[1]; }
  // Per router: flit-cycles its input buffers held, each flit counting the cycles from its arrival to the
  // cycle it crossed the switch (so flits buffered at the end of each cycle, summed over cycles). A flit
  // counts when it leaves the router, and the figure does not depend on the order routers are stepped in.
  const std::vector<uint64_t>& occupancy_cycles() const { return occupancy_sum_; }
  uint64_t simulated_cycles() const { return simulated_cycles_; }

  // Checks flow-control invariants (credits + flits in flight + buffered == buffer size per VC); returns
  // an empty string when they hold, else a description of the first violation.
  std::string check_invariants() const;

 private:
  enum VcState : uint8_t { kIdle, kVcAlloc, kActive };

  // 8 bytes, so that a VC buffer of 16 flits is two cache lines. A buffer's flits arrive in order, so the
  // low 32 bits of the arrival cycle tell it from the front flit's full cycle (InputVc::front_arrival) as
  // long as no flit arrives 2^32 cycles after the front one (push_flit refuses that).
  struct Flit {
    uint32_t packet : 30;
    uint32_t head : 1;
    uint32_t tail : 1;    // head and tail kept here so that moving a flit need not read its packet
    uint32_t arrival;     // low 32 bits of the cycle the flit becomes visible in this buffer
  };
  static_assert(sizeof(Flit) == 8, "eight flits to a cache line");
  static constexpr uint32_t kMaxPackets = 1u << 30;

  struct Packet {
    uint64_t created;
    uint64_t injected;
    uint32_t flits;
    uint32_t tag;
    int32_t dst;          // unicast destination, or -1 with destinations in multicast_lists_[dst_list]
    uint32_t dst_list;
    uint16_t hops;
    uint8_t tie_bits;
    uint8_t net;
    bool multicast;       // part of a multicast: ejects without holding an ejection VC
  };

  // One input VC: its buffer ring and allocation state, in 32 bytes (two VCs to a cache line). Output
  // "branches" are ports; a unicast packet has one branch, and what only a multicast with several branches
  // needs is in Branches.
  struct alignas(32) InputVc {
    uint64_t ready = 0;                 // cycle the next pipeline stage may start
    uint64_t front_arrival = kNever;    // arrival cycle of the flit at the front of the buffer
    uint8_t state = kIdle;
    uint8_t branch_mask = 0;            // ports the current packet leaves by
    uint8_t pending_va = 0;             // branches still waiting for an output VC
    uint8_t class1_mask = 0;            // branches restricted to the upper (post-dateline) VC class
    uint16_t buf_head = 0;              // ring slot of the front flit
    uint16_t buf_count = 0;             // flits buffered
    bool split = false;                 // branches carry child packets: free the parent at its tail
    std::array<int8_t, kNumPorts> out_vc{};
  };
  static_assert(sizeof(InputVc) == 32, "two input VCs to a cache line");
  struct Branches {
    std::array<uint32_t, kNumPorts> packet{};  // per branch: the packet it carries (a child when split)
    std::array<uint8_t, kNumPorts> ahead{};    // per branch: its flits sent but still buffered
  };

  // One output VC: credits toward the downstream buffer, the ring of credits still on the way back
  // (credit_return_), whether a packet holds it, and its VC-allocation round-robin pointer.
  struct OutputVc {
    int16_t credits = 0;                // at hand (returned ones not yet absorbed are in the ring)
    uint16_t credit_head = 0;
    uint16_t credit_count = 0;
    uint8_t busy = 0;
    uint8_t va_grant_rr = 0;
    uint64_t last_asked = 0;            // cycle of the last take_credit
  };

  struct Source {
    std::deque<uint32_t> queue;         // packets waiting, oldest first
    uint32_t current = kNone;           // packet being injected
    uint32_t next_seq = 0;
    int vc = -1;
    int rr = 0;                         // round-robin start for injection VC choice
    uint64_t last_sent = kNever;        // one flit per cycle on the injection channel
    bool listed = false;
  };

  // Index helpers: input VC (router, port 0..4, vc), output VC (router, port 0..5, vc).
  size_t ivc(int router, int port, int vc) const { return (static_cast<size_t>(router) * kNumPorts + port) * vcs_ + vc; }
  size_t ovc(int router, int port, int vc) const { return (static_cast<size_t>(router) * (kNumPorts + 1) + port) * vcs_ + vc; }

  // A ring slot index plus an offset of at most one ring (no division in the cycle loop).
  size_t wrap(size_t slot) const { return slot >= static_cast<size_t>(depth_) ? slot - depth_ : slot; }
  // Full arrival cycle of a flit of buffer `in` (whose front is buffered).
  static uint64_t arrival_of(const InputVc& in, const Flit& flit) {
    return in.front_arrival + static_cast<uint32_t>(flit.arrival - static_cast<uint32_t>(in.front_arrival));
  }
  void push_flit(int router, int port, int vc, uint32_t packet, bool head, bool tail, uint64_t arrival);
  void pop_flit(int router, int port, int vc, uint64_t t);
  void step(uint64_t t);
  void step_router(int router, uint64_t t);
  // The end of a router's step: when it may act next (`moved`: a VC was allocated or a flit crossed).
  void finish_step(int router, uint64_t t, bool moved, uint64_t wake);
  void route(int router, int in_port, int vc, uint64_t t);
  // Returns whether a VC allocated now may bid for the switch in this very cycle; `granted` tells whether
  // any VC was allocated.
  bool allocate_vcs(int router, uint64_t t, unsigned asked, VcRequests& lower, VcRequests& upper,
                    const std::vector<int>& multi_branch, bool& granted);
  // allocate_vcs for input VC `vc` of port `port` alone, routed to one port; returns whether it got its
  // output VC.
  bool allocate_vc_one(int router, uint64_t t, int port, int vc);
  int pick_requester(const std::array<uint16_t, kNumPorts>& requests, int start) const;
  // Whether output `port` of `router` has a VC that is not held and that a packet of this dateline class
  // may take (the rule allocate_vcs applies).
  bool output_vc_free(int router, int port, bool class1) const {
    const OutputVc* base = &out_vc_[ovc(router, port, 0)];
    int lo = 0, hi = vcs_;
    if (classes_ && port != kEjectPort) (class1 ? lo : hi) = vcs_ / 2;
    for (int v = lo; v < hi; ++v)
      if (!base[v].busy) return true;
    return false;
  }
  // Returns whether a flit crossed the switch. A ready VC that could not bid lowers `wake` to the cycle its
  // obstacle goes away when that is known (a credit already on its way back, a flit already buffered).
  bool allocate_switch(int router, uint64_t t, const std::array<uint16_t, kNumPorts>& switch_ready, uint64_t& wake);
  // The same when input VC `vc` of input port `port` is the only one ready.
  bool allocate_switch_one(int router, uint64_t t, int port, int vc, uint64_t& wake);
  void traverse(int router, int in_port, int vc, int out_port, uint64_t t);
  // traverse() to every branch of a split multicast VC whose branches are at the same flit, `first` first.
  void broadcast_flit(int router, int in_port, int vc, int first, uint64_t t);
  // When input VC `vc` of port `port` is the only one holding flits and its packet leaves by one port,
  // moves its flits for the cycles ahead in which nothing else can reach the switch (a train), as the
  // cycle-by-cycle steps would; returns whether it moved any.
  bool move_train(int router, uint64_t t, int port, int vc);
  // move_train for a packet with several branches, up to cycle `last` (multicast_train.cpp).
  bool move_multicast_train(int router, uint64_t t, int port, int vc, uint64_t last);
  // Cycles from now, at least bulk_window_link_, in which no flit can reach `router` by a link (capped
  // below the ring of moves ahead).
  uint64_t link_window(int router) const;
  bool branch_flit_ready(size_t input_vc, int branch, uint64_t t, uint64_t& wake) const;
  // Whether branch `o` of input VC `i` (of router `r`; `branches`: its packet has several) can bid for the
  // switch now: its next flit is here and a credit for it is; else lowers `wake` as allocate_switch says.
  bool branch_can_bid(int r, size_t i, int o, bool branches, uint64_t t, uint64_t& wake);
  void step_source(int source, uint64_t t);
  // Tells whether a credit is free at `t`. Credits come back lazily: the returned ones are absorbed only
  // when none is at hand, so that the ring of return cycles is read once per buffer's worth of flits.
  bool take_credit(size_t out_vc, uint64_t t) {
    OutputVc& o = out_vc_[out_vc];
    o.last_asked = t;
    if (o.credits > 0) return true;
    if (o.credit_count > 0) absorb_credits(out_vc, t);
    return o.credits > 0;
  }
  // Credits an output VC had when last asked, counting those back by then (for the deadlock report).
  int credits_when_asked(size_t out_vc) const;
  void absorb_credits(size_t out_vc, uint64_t t);
  void return_credit(int router, int in_port, int vc, uint64_t t);
  void retire(uint32_t packet, int router, uint64_t delivered);
  uint32_t new_packet();
  // A destination list for a multicast packet, reused from freed ones when there are any.
  uint32_t new_multicast_list();
  void free_packet(uint32_t packet);
  void activate(int router, uint64_t arrival);
  [[noreturn]] void report_deadlock(uint64_t t) const;
  int network_of(int router) const { return router / nodes_; }

  NocConfig config_;
  FlitOptions options_;
  std::vector<Network> networks_;
  int nodes_ = 0;    // routers per network
  int routers_ = 0;  // over all networks
  int vcs_ = 0;
  int depth_ = 0;    // flits per VC buffer
  bool classes_ = false;  // VCs split into two dateline classes
  uint64_t to_next_router_ = 0;  // switch allocation to arrival downstream, link excluded
  uint64_t to_endpoint_ = 0;     // switch allocation to delivery at the endpoint
  uint64_t injection_latency_ = 1;
  uint64_t link_latency_ = 1;
  uint64_t credit_latency_ = 1;
  // Cycles from a router's step in which no flit it does not hold yet can bid for its switch: a flit sent
  // to it now takes to_next_router_ + link_latency_, one its endpoint injects injection_latency_ (a new
  // packet's head then needs its route first).
  uint64_t bulk_window_link_ = 0;
  uint64_t bulk_window_idle_source_ = 0;

  // Input side, per input VC.
  std::vector<Flit> buffer_;       // depth_ slots per input VC, a ring
  std::vector<InputVc> in_vc_;
  std::vector<Branches> branches_;
  // Output side, per output VC.
  std::vector<OutputVc> out_vc_;
  std::vector<uint64_t> credit_return_;  // depth_ slots per output VC, a ring of arrival cycles
  // Allocator round-robin pointers (the VC allocator's grant pointers are in OutputVc).
  std::vector<uint8_t> sw_input_rr_, sw_grant_rr_, sw_accept_rr_;  // per router and port
  std::vector<uint8_t> va_accept_rr_;                               // per input VC
  // Per router.
  std::vector<int> neighbor_;       // per router and direction: the router a link leads to, -1 at mesh edges
  std::vector<uint32_t> flits_in_router_;
  std::vector<uint16_t> occupied_;  // per router and input port: VCs holding flits
  std::vector<uint8_t> occupied_ports_;  // per router: input ports with a VC holding flits
  std::vector<uint64_t> wake_;      // next cycle the router can act
  std::vector<uint64_t> late_wake_; // wake-ups asked by others since the router last stepped (kept by its next step)
  std::vector<uint64_t> resume_at_; // first cycle a train move (move_train) has not simulated the router in
  // Moves that train moves made for later cycles, per cycle (a ring) and in all: [0] ejections, [1] link
  // hops. flits_in_routers_ counts an ejected flit until its cycle, so that the network steps the same
  // cycles as with cycle-by-cycle moves, and ejected_flits() and flit_hops() leave them out until then.
  static constexpr size_t kLeavingSlots = 64;
  std::array<std::array<uint32_t, 2>, kLeavingSlots> ahead_{};
  std::array<uint64_t, 2> ahead_total_{};
  // Routers holding flits, a bit each: stepped in index order every cycle, so that what happens within a
  // cycle (the order of deliveries among them) does not depend on when routers joined.
  std::vector<uint64_t> active_bits_;
  std::vector<uint64_t> occupancy_sum_;
  std::vector<int> multi_branch_;   // scratch: input VCs of the router being stepped that need several ports

  std::vector<Source> sources_;     // per network and node
  std::vector<int> active_sources_;

  std::vector<Packet> packets_;
  std::vector<uint32_t> free_packets_;
  std::vector<std::vector<int>> multicast_lists_;
  std::vector<uint32_t> free_lists_;

  // Delivered in the future, in order of delivery cycle and, within a cycle, of router index.
  struct PendingRetire {
    RetiredPacket packet;
    int router;
  };
  std::deque<PendingRetire> pending_retire_;
  std::vector<RetiredPacket> retired_;

  NocCounters counters_;
  uint64_t now_ = 0;
  bool started_ = false;     // whether cycle now_ has been simulated
  uint64_t flits_in_routers_ = 0;
  uint64_t queued_packets_ = 0;  // waiting or being injected at sources
  uint64_t last_progress_ = 0;
  uint64_t ejected_flits_ = 0;
  uint64_t simulated_cycles_ = 0;
};

}  // namespace tessera::noc::flit
