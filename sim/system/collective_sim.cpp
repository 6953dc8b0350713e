#include "sim/system/collective_sim.h"

#include <cmath>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <queue>
#include <stdexcept>

#include "core/compute_costs.h"
#include "noc/noc_model.h"

namespace tessera::system {
namespace {

using Task = std::function<void()>;

// The router's sender channels per direction, as TT-Fabric's 1-D router has them: one for packets its
// own chip's cores write, and one per virtual channel for packets forwarded from another link's receiver
// channel. Each has its own slots; the serializer takes from them in turn, so through traffic is not
// stuck behind a chip's own backlog (and the reverse). A ring's packets move to virtual channel 1 when
// they cross its dateline, with receiver slots of their own, so that full buffers cannot wait on each
// other all the way round.
enum Channel { kLocal = 0, kForwarded = 1, kChannels = 3 };  // kForwarded + vc

// One 32-bit word written over the NoC: the worker's slot-pointer update, the router's credit back to the
// worker, a semaphore's atomic increment (tt-metal's noc_inline_dw_write / atomic).
constexpr uint64_t kPointerBytes = 4;

// A worker core's data-movement RISC-V as the fabric sees it: one packet at a time.
struct Worker {
  std::deque<int> queue;     // transfers ready to send, in the order they became ready
  bool busy = false;
  uint64_t free_at = 0;      // when its last calls' issue time is over
  // A worker feeding a mux: free buffers of its channel in the mux (tt-metal's num_buffers_per_channel,
  // default 1), and whether it waits for one.
  int mux_buffers = 1;
  bool waiting_for_mux = false;
};

// One direction of one link: its serializer, the far receiver channels' credits (per virtual channel),
// the near sender channels' slots and the packets queued in them.
struct Direction {
  double tx_free = 0;        // when the serializer is next free (fractional cycles)
  int credits[2] = {0, 0};   // free slots in the far end's receiver channel, per virtual channel
  int sender_free[kChannels] = {0, 0, 0};               // free slots per sender channel
  std::deque<Task> waiting_for_slot[kChannels];         // writers waiting for a slot, per channel
  std::deque<std::pair<int, size_t>> queue[kChannels];  // (transfer, hop) in each sender channel, in arrival order
  int turn = kLocal;                                    // the channel the serializer looks at first
  bool wake_pending = false;
  LinkDirectionUse use;
};

class CollectiveSim {
 public:
  CollectiveSim(const SystemConfig& s, const CollectivePlan& plan, DataFormat dtype)
      : s_(s), plan_(plan), dtype_(dtype), nocs_(size_t(s.num_chips())), reached_(size_t(s.num_chips()), 0),
        dirs_(2 * s.links.size()), waiting_(plan.transfers.size(), 0), dependents_(plan.transfers.size()),
        followers_(plan.transfers.size()) {
    const EthernetParams& e = s.ethernet;
    const double ghz = s.chips[0].chip.clock_ghz;
    bytes_per_cycle_ = e.gbytes_per_s / ghz;
    latency_ = (plan.two_d ? e.latency_2d_ns : e.latency_1d_ns) * ghz;
    header_ = plan.two_d ? e.fabric_header_2d_bytes : e.fabric_header_1d_bytes;
    for (size_t d = 0; d < dirs_.size(); ++d) {
      dirs_[d].credits[0] = dirs_[d].credits[1] = e.receiver_slots;
      for (int& slots : dirs_[d].sender_free) slots = e.sender_slots;
      dirs_[d].use.link = int(d / 2);
      dirs_[d].use.a_to_b = d % 2 == 0;
    }
    for (size_t t = 0; t < plan.transfers.size(); ++t) {
      for (int dep : plan.transfers[t].deps) {
        ++waiting_[t];
        dependents_[size_t(dep)].push_back(int(t));
      }
      for (int dep : plan.transfers[t].after) {
        ++waiting_[t];
        followers_[size_t(dep)].push_back(int(t));
      }
    }
  }

  CollectiveRun run() {
    // Each op's launch: nothing of it moves until its kernels have started, and an op's kernels start
    // once the op before has ended.
    launch_ = uint64_t(std::ceil(s_.ccl.op_launch_ns * s_.chips[0].chip.clock_ghz));
    op_left_.assign(size_t(plan_.ops), 0);
    for (const Transfer& tr : plan_.transfers) ++op_left_[size_t(tr.op)];
    launch_op(0, 0);
    loop();
    if (done_ != plan_.transfers.size())
      throw std::logic_error("collective stopped with " + std::to_string(plan_.transfers.size() - done_) +
                             " packets undelivered (a credit or slot never returned)");
    CollectiveRun r;
    r.cycles = last_;
    r.clock_ghz = s_.chips[0].chip.clock_ghz;
    r.transfers = plan_.transfers.size();
    r.reduce_cycles = reduce_cycles_;
    r.ops = plan_.ops;
    r.launch_cycles = uint64_t(plan_.ops) * launch_;
    for (const Transfer& tr : plan_.transfers) r.semaphores += tr.semaphore;
    r.slot_wait_cycles = slot_wait_cycles_;
    for (const Direction& d : dirs_)
      if (d.use.packets) r.links.push_back(d.use);
    return r;
  }

 private:
  size_t dir_of(const Hop& h) const { return 2 * size_t(h.link) + (h.a_to_b ? 0 : 1); }
  // The virtual channel of a packet on its hop: 1 from its ring's dateline on.
  int vc_of(const Transfer& tr, size_t hop) const { return tr.dateline_hop >= 0 && int(hop) >= tr.dateline_hop; }
  // The Ethernet core a hop leaves from, and the one it arrives at.
  const Port& near_port(const Hop& h) const { return h.a_to_b ? s_.links[size_t(h.link)].a : s_.links[size_t(h.link)].b; }
  const Port& far_port(const Hop& h) const { return h.a_to_b ? s_.links[size_t(h.link)].b : s_.links[size_t(h.link)].a; }

  void at(uint64_t t, Task task) {
    tasks_.emplace(seq_, std::move(task));
    queue_.push({t, seq_++});
  }

  noc::NocModel& noc(int chip) {
    auto& m = nocs_[size_t(chip)];
    if (!m) m = noc::make_noc_model(s_.chips[size_t(chip)].noc);
    return *m;
  }

  // A NoC write on `chip` from `from` to `to`; `last_hop` writes into a core's SRAM, through NoC1 on a
  // two-NoC chip, as the fabric's last hop does.
  void noc_write(int chip, GridPos from, GridPos to, uint64_t bytes, bool last_hop, Task on_delivered) {
    const ArchConfig& c = s_.chips[size_t(chip)];
    noc::Message m;
    m.id = next_message_++;
    m.src = c.node_id(from);
    m.dsts = {c.node_id(to)};
    m.bytes = bytes;
    m.network = last_hop && c.noc.topology == noc::Topology::tt_dual ? 1 : -1;
    on_delivery_.emplace(m.id, std::move(on_delivered));
    noc(chip).inject(m, std::max(now_, reached_[size_t(chip)]));
  }

  // Hands transfer t to its sending core; what follows it in the core's program is handed over next.
  void start(int t) {
    take_up(t);
    for (int next : followers_[size_t(t)])
      if (--waiting_[size_t(next)] == 0) start(next);
  }

  void take_up(int t) {
    const Transfer& tr = plan_.transfers[size_t(t)];
    if (s_.ccl.worker_handshake && tr.fed) {
      Worker& w = workers_[{tr.src_chip, tr.feeder.y * 4096 + tr.feeder.x}];
      w.queue.push_back(t);
      if (!w.busy) feeder_next(tr.src_chip, tr.feeder);
      return;
    }
    if (s_.ccl.worker_handshake) { to_sender(t); return; }
    const Hop& h = tr.hops[0];
    acquire_sender_slot(dir_of(h), kLocal, [this, t, &tr, &h] {
      noc_write(tr.src_chip, tr.src_core, near_port(h).core, tr.bytes + uint64_t(header_), false,
                [this, t] { enqueue(t, 0, kLocal); });
    });
  }

  // Transfer t into its sending core's queue.
  void to_sender(int t) {
    const Transfer& tr = plan_.transfers[size_t(t)];
    Worker& w = workers_[{tr.src_chip, tr.src_core.y * 4096 + tr.src_core.x}];
    w.queue.push_back(t);
    if (!w.busy) worker_next(tr.src_chip, tr.src_core);
  }

  // A worker feeding a mux, packets one at a time: once its channel in the mux has a free buffer, one
  // RISC-V call each for its own-output write (an all_gather's own packets), the payload, the header and
  // the mux's slot pointer (a semaphore has no payload), writing the packet into the mux's buffer; the mux
  // takes it once the pointer has landed. Its next packet waits for its flush.
  void feeder_next(int chip, GridPos core) {
    Worker& w = workers_[{chip, core.y * 4096 + core.x}];
    if (w.queue.empty()) { w.busy = false; return; }
    w.busy = true;
    if (w.mux_buffers == 0) { w.waiting_for_mux = true; return; }
    --w.mux_buffers;
    const int t = w.queue.front();
    w.queue.pop_front();
    const Transfer& tr = plan_.transfers[size_t(t)];
    const uint64_t issue = s_.chips[size_t(chip)].packet_manager.engine.riscv_issue_cycles;
    const int calls = (tr.semaphore ? 2 : 3) + (tr.local_write ? 1 : 0);
    const uint64_t begin = std::max(now_, w.free_at);
    w.free_at = begin + uint64_t(calls) * issue;
    at(begin, [this, t, chip, core, calls, issue] {
      const Transfer& tr = plan_.transfers[size_t(t)];
      auto pending = std::make_shared<int>(2);  // the packet and the pointer update, both in the mux
      auto landed_one = [this, t, pending] { if (--*pending == 0) to_sender(t); };
      auto unflushed = std::make_shared<int>(tr.local_write ? 2 : 1);
      auto flushed_one = [this, chip, core, unflushed] {
        if (--*unflushed) return;
        Worker& wk = workers_[{chip, core.y * 4096 + core.x}];
        at(std::max(now_, wk.free_at), [this, chip, core] { feeder_next(chip, core); });
      };
      uint64_t mux_write_at = now_;
      if (tr.local_write) {
        const auto& drams = s_.chips[size_t(chip)].dram.positions;
        noc_write(chip, core, drams[size_t(t) % drams.size()], tr.bytes, false, flushed_one);
        mux_write_at = now_ + issue;
      }
      at(mux_write_at, [this, t, chip, core, landed_one, flushed_one] {
        const Transfer& tw = plan_.transfers[size_t(t)];
        noc_write(chip, core, tw.src_core, tw.bytes + uint64_t(header_), false, [landed_one, flushed_one] {
          landed_one();
          flushed_one();
        });
      });
      at(now_ + uint64_t(calls - 1) * issue, [this, t, chip, core, landed_one] {
        noc_write(chip, core, plan_.transfers[size_t(t)].src_core, kPointerBytes, false, landed_one);
      });
    });
  }

  // The mux has forwarded transfer t: it tells the feeding worker that its buffer is free again.
  void free_mux_buffer(int t) {
    const Transfer& tr = plan_.transfers[size_t(t)];
    noc_write(tr.src_chip, tr.src_core, tr.feeder, kPointerBytes, false, [this, chip = tr.src_chip, core = tr.feeder] {
      Worker& w = workers_[{chip, core.y * 4096 + core.x}];
      ++w.mux_buffers;
      if (w.waiting_for_mux) {
        w.waiting_for_mux = false;
        feeder_next(chip, core);
      }
    });
  }

  // The worker's side of one fabric packet, packets one at a time in the order they became ready: it spins
  // until its local count of the router's free sender slots is non-zero, then makes one RISC-V call each
  // for the payload, the header and the slot-pointer update (a semaphore has no payload), and flushes
  // (its next packet waits until these writes have landed). The router takes the packet once the pointer
  // update has landed; the pointer is written after the data, so the data is there by then.
  void worker_next(int chip, GridPos core) {
    Worker& w = workers_[{chip, core.y * 4096 + core.x}];
    if (w.queue.empty()) { w.busy = false; return; }
    w.busy = true;
    const int t = w.queue.front();
    w.queue.pop_front();
    const Transfer& tr = plan_.transfers[size_t(t)];
    const uint64_t spin_from = std::max(now_, w.free_at);
    acquire_sender_slot(dir_of(tr.hops[0]), kLocal, [this, t, chip, core, spin_from] {
      Worker& wk = workers_[{chip, core.y * 4096 + core.x}];
      if (now_ > spin_from) slot_wait_cycles_ += now_ - spin_from;
      const uint64_t issue = s_.chips[size_t(chip)].packet_manager.engine.riscv_issue_cycles;
      const Transfer& tk = plan_.transfers[size_t(t)];
      // A mux's three calls are the packet (its header in front), the router's slot pointer and the feeding
      // worker's credit; the own-output write was the worker's.
      const bool local_write = tk.local_write && !tk.fed;
      const int calls = (tk.semaphore ? 2 : 3) + (local_write ? 1 : 0);
      const uint64_t begin = std::max(now_, wk.free_at);
      wk.free_at = begin + uint64_t(calls) * issue;
      at(begin, [this, t, chip, core, calls, issue, local_write] {
        const Transfer& tr = plan_.transfers[size_t(t)];
        const GridPos eth = near_port(tr.hops[0]).core;
        auto pending = std::make_shared<int>(2);  // the data and the pointer update, both landed
        auto landed_one = [this, t, pending] { if (--*pending == 0) enqueue(t, 0, kLocal); };
        // The flush waits for the writes to the router and, first, the page into the chip's own output.
        auto unflushed = std::make_shared<int>(local_write ? 2 : 1);
        auto flushed_one = [this, t, chip, core, unflushed] {
          if (--*unflushed) return;
          if (plan_.transfers[size_t(t)].fed) free_mux_buffer(t);
          flushed(chip, core);
        };
        uint64_t router_write_at = now_;
        if (local_write) {
          const auto& drams = s_.chips[size_t(chip)].dram.positions;
          noc_write(chip, core, drams[size_t(t) % drams.size()], tr.bytes, false, flushed_one);
          router_write_at = now_ + issue;
        }
        at(router_write_at, [this, t, chip, core, eth, landed_one, flushed_one] {
          const Transfer& tw = plan_.transfers[size_t(t)];
          noc_write(chip, core, eth, tw.bytes + uint64_t(header_), false, [landed_one, flushed_one] {
            landed_one();
            flushed_one();
          });
        });
        at(now_ + uint64_t(calls - 1) * issue, [this, chip, core, eth, landed_one] {
          noc_write(chip, core, eth, kPointerBytes, false, landed_one);
        });
      });
    });
  }

  // The worker's flush has returned: its next packet may start once its calls' issue time is over.
  void flushed(int chip, GridPos core) {
    Worker& w = workers_[{chip, core.y * 4096 + core.x}];
    at(std::max(now_, w.free_at), [this, chip, core] { worker_next(chip, core); });
  }

  void acquire_sender_slot(size_t d, int channel, Task then) {
    Direction& dir = dirs_[d];
    if (dir.sender_free[channel] > 0) {
      --dir.sender_free[channel];
      then();
    } else {
      dir.waiting_for_slot[channel].push_back(std::move(then));
    }
  }

  // The sender channel a packet occupies on hop `hop`: the local one on its first hop, a forwarding one
  // (per virtual channel) after.
  int channel_of(const Transfer& tr, size_t hop) const { return hop == 0 ? kLocal : kForwarded + vc_of(tr, hop); }

  // Transfer t's slot in sender channel `channel` of direction d is free again. A worker-fed local channel
  // tells the worker by writing the worker's copy of the router's free-slot count over the NoC.
  void sender_slot_done(size_t d, int channel, int t) {
    if (channel != kLocal || !s_.ccl.worker_handshake) { release_sender_slot(d, channel); return; }
    const Transfer& w = plan_.transfers[size_t(t)];
    noc_write(w.src_chip, near_port(w.hops[0]).core, w.src_core, kPointerBytes, false,
              [this, d] { release_sender_slot(d, kLocal); });
  }

  void release_sender_slot(size_t d, int channel) {
    Direction& dir = dirs_[d];
    if (dir.waiting_for_slot[channel].empty()) { ++dir.sender_free[channel]; return; }
    Task next = std::move(dir.waiting_for_slot[channel].front());
    dir.waiting_for_slot[channel].pop_front();
    next();  // the slot passes straight to the next writer
  }

  void enqueue(int t, size_t hop, int channel) {
    const size_t d = dir_of(plan_.transfers[size_t(t)].hops[hop]);
    dirs_[d].queue[channel].emplace_back(t, hop);
    try_send(d);
  }

  // The channel to serve next: in turn from `turn`, the first whose head packet has a credit for its
  // virtual channel; -1 when none can go.
  int ready_channel(const Direction& dir) const {
    for (int i = 0; i < kChannels; ++i) {
      const int ch = (dir.turn + i) % kChannels;
      if (dir.queue[ch].empty()) continue;
      const auto [t, hop] = dir.queue[ch].front();
      if (dir.credits[vc_of(plan_.transfers[size_t(t)], hop)] > 0) return ch;
    }
    return -1;
  }

  // Sends queued packets while the far end has credits; the serializer runs back to back, so a packet
  // starts exactly when the one before it ends (fractional cycles kept, no rounding drift).
  void try_send(size_t d) {
    Direction& dir = dirs_[d];
    for (int channel = ready_channel(dir); channel >= 0; channel = ready_channel(dir)) {
      if (dir.tx_free > double(now_) + 1) {
        if (!dir.wake_pending) {
          dir.wake_pending = true;
          at(uint64_t(std::floor(dir.tx_free)), [this, d] { dirs_[d].wake_pending = false; try_send(d); });
        }
        return;
      }
      dir.turn = (channel + 1) % kChannels;
      const auto [t, hop] = dir.queue[channel].front();
      dir.queue[channel].pop_front();
      const Transfer& tr = plan_.transfers[size_t(t)];
      --dir.credits[vc_of(tr, hop)];
      const uint64_t wire = wire_bytes(s_.ethernet, tr.bytes, header_);
      const double begin = std::max(double(now_), dir.tx_free);
      const double sent = begin + double(wire) / bytes_per_cycle_;
      dir.tx_free = sent;
      if (dir.use.packets == 0) dir.use.first_cycle = begin;
      dir.use.last_cycle = sent;
      dir.use.packets += 1;
      dir.use.payload_bytes += tr.bytes;
      dir.use.wire_bytes += wire;
      dir.use.busy_cycles += sent - begin;
      // Without completion-freed slots the sender slot frees once the packet is on the wire; with them,
      // when the far receiver's completion for it is back (free_receiver_slot).
      if (!s_.ethernet.sender_slots_free_on_completion)
        at(uint64_t(std::ceil(sent)), [this, d, channel, t = t] { sender_slot_done(d, channel, t); });
      at(uint64_t(std::ceil(sent + latency_)), [this, t = t, hop = hop] { arrive(t, hop); });
    }
  }

  // The packet is in the far router's receiver channel (holding one of its slots).
  void arrive(int t, size_t hop) {
    const Transfer& tr = plan_.transfers[size_t(t)];
    const Hop& h = tr.hops[hop];
    const size_t d = dir_of(h);
    const int chip = far_port(h).chip;
    const GridPos in = far_port(h).core;
    if (hop + 1 < tr.hops.size()) {
      const Hop& next = tr.hops[hop + 1];
      const int vc = vc_of(tr, hop), channel = kForwarded + vc_of(tr, hop + 1);
      // A multicast is also written into this chip's receiving core; the slot frees once both writes landed.
      const bool drop = hop < tr.drop_cores.size();
      auto pending = std::make_shared<int>(drop ? 2 : 1);
      auto landed_one = [this, d, vc, t, hop, pending] { if (--*pending == 0) free_receiver_slot(d, vc, t, hop); };
      if (drop) noc_write(chip, in, tr.drop_cores[hop], tr.semaphore ? kPointerBytes : tr.bytes, true, landed_one);
      acquire_sender_slot(dir_of(next), channel, [this, t, hop, channel, chip, in, &tr, &next, landed_one] {
        noc_write(chip, in, near_port(next).core, tr.bytes + uint64_t(header_), false, [this, t, hop, channel, landed_one] {
          landed_one();
          enqueue(t, hop + 1, channel);
        });
      });
      return;
    }
    const int vc = vc_of(tr, hop);
    // A semaphore's last hop is the router's atomic increment at the destination core.
    if (tr.semaphore || !s_.ccl.tensors_in_dram) {
      noc_write(chip, in, tr.dst_core, tr.semaphore ? kPointerBytes : tr.bytes, true, [this, t, d, vc, hop] {
        free_receiver_slot(d, vc, t, hop);
        landed(t);
      });
      return;
    }
    // The data goes into a DRAM bank of the receiving chip; a worker that forwards or reduces it reads it back.
    const ArchConfig& c = s_.chips[size_t(chip)];
    const GridPos bank = c.dram.positions[size_t(t) % c.dram.positions.size()];
    noc_write(chip, in, bank, tr.bytes, true, [this, t, d, vc, hop, chip, bank] {
      free_receiver_slot(d, vc, t, hop);
      at(now_ + s_.chips[size_t(chip)].dram.write_latency_cycles, [this, t, chip, bank] { read_back(t, chip, bank); });
    });
  }

  // A packet written into DRAM: read back into the receiving core when its next hop or its reduction needs
  // it (a reduction reads its own operand from another bank at the same time), else done.
  void read_back(int t, int chip, GridPos bank) {
    const Transfer& tr = plan_.transfers[size_t(t)];
    if (!tr.reduce && dependents_[size_t(t)].empty()) { landed(t); return; }
    const ArchConfig& c = s_.chips[size_t(chip)];
    auto pending = std::make_shared<int>(tr.reduce ? 2 : 1);
    auto read_one = [this, t, pending] { if (--*pending == 0) landed(t); };
    const uint64_t start = now_ + c.dram.read_latency_cycles;
    at(start, [this, t, chip, bank, read_one] {
      noc_write(chip, bank, plan_.transfers[size_t(t)].dst_core, plan_.transfers[size_t(t)].bytes, false, read_one);
    });
    if (tr.reduce) {
      const GridPos own = c.dram.positions[size_t(t + 1) % c.dram.positions.size()];
      at(start, [this, t, chip, own, read_one] {
        noc_write(chip, own, plan_.transfers[size_t(t)].dst_core, plan_.transfers[size_t(t)].bytes, false, read_one);
      });
    }
  }

  // The receiver channel has written transfer t (on its hop `hop`) out: its completion goes back over
  // the link, where it returns the receiver slot's credit and, with completion-freed sender slots, the
  // slot t held in the sender channel it left from (TT-Fabric's 1-D router without first-level acks:
  // the sender channel advances its worker's read counter only on the receiver's completions).
  void free_receiver_slot(size_t d, int vc, int t, size_t hop) {
    at(now_ + uint64_t(std::ceil(latency_)), [this, d, vc, t, hop] {
      ++dirs_[d].credits[vc];
      if (s_.ethernet.sender_slots_free_on_completion)
        sender_slot_done(d, channel_of(plan_.transfers[size_t(t)], hop), t);
      try_send(d);
    });
  }

  // In the destination core's SRAM; a reduction then takes the core's unpackers, matrix unit and packers,
  // which work as a pipeline: the slowest of the three sets the time.
  void landed(int t) {
    const Transfer& tr = plan_.transfers[size_t(t)];
    if (!tr.reduce) { finish(t); return; }
    const ComputeCosts costs(s_.chips[size_t(tr.dst_chip)].core);
    const uint64_t tiles = (tr.bytes + tile_bytes(dtype_) - 1) / tile_bytes(dtype_);
    const uint64_t cycles = std::max({costs.unpack_cycles(2 * uint64_t(tr.bytes), false),
                                      costs.eltwise_cycles("add", tiles, Fidelity::lofi), costs.pack_cycles(tr.bytes)});
    uint64_t& free_at = core_free_[{tr.dst_chip, tr.dst_core.y * 4096 + tr.dst_core.x}];
    const uint64_t begin = std::max(now_, free_at);
    free_at = begin + cycles;
    reduce_cycles_ += cycles;
    at(free_at, [this, t] { finish(t); });
  }

  // Starts op `op` at `begin` + its launch; an op with no transfers ends at once.
  void launch_op(int op, uint64_t begin) {
    if (op >= plan_.ops) return;
    if (op_left_[size_t(op)] == 0) { launch_op(op + 1, begin + launch_); return; }
    for (size_t t = 0; t < plan_.transfers.size(); ++t)
      if (plan_.transfers[t].op == op && waiting_[t] == 0) at(begin + launch_, [this, t] { start(int(t)); });
  }

  void finish(int t) {
    if (--op_left_[size_t(plan_.transfers[size_t(t)].op)] == 0) launch_op(plan_.transfers[size_t(t)].op + 1, now_);
    ++done_;
    last_ = std::max(last_, now_);
    for (int next : dependents_[size_t(t)])
      if (--waiting_[size_t(next)] == 0) start(next);
  }

  // Tasks and NoC deliveries in time order. A NoC runs only up to the next moment anything else could
  // inject into it: the next task, or the next event of another chip's NoC.
  void loop() {
    std::vector<noc::Delivery> delivered;
    for (;;) {
      const uint64_t ta = queue_.empty() ? noc::kNever : queue_.top().first;
      int chip = -1;
      uint64_t tn = noc::kNever, second = noc::kNever;
      for (size_t c = 0; c < nocs_.size(); ++c) {
        if (!nocs_[c]) continue;
        const uint64_t e = nocs_[c]->next_event_cycle();
        if (e < tn) { second = tn; tn = e; chip = int(c); } else if (e < second) { second = e; }
      }
      if (ta == noc::kNever && tn == noc::kNever) break;
      if (tn <= ta) {
        const uint64_t limit = std::min(ta, second);
        delivered.clear();
        const uint64_t reached = nocs_[size_t(chip)]->advance_to(limit == noc::kNever ? noc::kNever - 1 : limit,
                                                                  delivered, true);
        reached_[size_t(chip)] = reached;
        for (const noc::Delivery& dv : delivered) {
          now_ = std::max(now_, dv.cycle);
          auto it = on_delivery_.find(dv.id);
          Task task = std::move(it->second);
          on_delivery_.erase(it);
          task();
        }
        continue;
      }
      const auto [t, seq] = queue_.top();
      queue_.pop();
      now_ = std::max(now_, t);
      Task task = std::move(tasks_[seq]);
      tasks_.erase(seq);
      task();
    }
  }

  const SystemConfig& s_;
  const CollectivePlan& plan_;
  DataFormat dtype_;
  std::vector<std::unique_ptr<noc::NocModel>> nocs_;
  std::vector<uint64_t> reached_;
  std::vector<Direction> dirs_;
  std::vector<int> waiting_;
  std::vector<std::vector<int>> dependents_;
  std::vector<std::vector<int>> followers_;  // per transfer: those that follow it in its core's program
  std::map<uint64_t, Task> on_delivery_;
  std::map<uint64_t, Task> tasks_;
  std::priority_queue<std::pair<uint64_t, uint64_t>, std::vector<std::pair<uint64_t, uint64_t>>, std::greater<>> queue_;
  std::map<std::pair<int, int>, uint64_t> core_free_;
  std::map<std::pair<int, int>, Worker> workers_;  // (chip, core) -> its sending RISC-V
  uint64_t seq_ = 0, next_message_ = 1, now_ = 0, last_ = 0, reduce_cycles_ = 0;
  size_t done_ = 0;
  double bytes_per_cycle_ = 1, latency_ = 0;
  uint64_t launch_ = 0, slot_wait_cycles_ = 0;
  std::vector<size_t> op_left_;  // per op, its transfers not done yet
  int header_ = 0;
};

}  // namespace

CollectiveRun simulate_collective(const SystemConfig& s, const CollectivePlan& plan, DataFormat dtype) {
  return CollectiveSim(s, plan, dtype).run();
}

}  // namespace tessera::system
