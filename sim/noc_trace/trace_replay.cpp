// The replay: a small discrete-event loop around a NocModel (no SystemC needed: nothing here but the NoC,
// the NIUs and the DRAM channels). Actions run in (cycle, order) order; the NoC advances only while
// messages are in flight, up to the next action.
#include "sim/noc_trace/trace_replay.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <queue>
#include <set>

#include "noc/noc_model.h"
#include "packet_manager/data_movement_engine.h"
#include "sim/base/errors.h"
#include "sim/base/stats_registry.h"
#include "sim/chip/dram_channels.h"

namespace tessera::noc_trace {

const char* to_string(IssueMode mode) { return mode == IssueMode::recorded ? "recorded" : "engine"; }

namespace {

// What a barrier may wait for; a transfer is open in each category until that point.
enum Category { kReadLanded = 0, kWriteAcked, kWriteLanded, kAtomicAcked, kCategories };

struct Transfer {
  int niu = 0;
  int span = 0;                         // index in result.transfers
  int pending = 0;                      // messages still to arrive before the next stage
  std::vector<int> waiters[kCategories];  // barriers waiting for this transfer
};

struct Niu {
  std::set<int> open[kCategories];
  std::unique_ptr<NiuIssueModel> issue;
  std::vector<int> credit_waiters;  // issuers stalled on a read credit
  int active = 0;
  uint64_t active_since = 0;
  int use = -1;                     // index in result.nius
};

struct Barrier {
  int issuer = 0;
  int remaining = 0;
  int end_event = -1;               // the *_BARRIER_END that reports when it ended
};

struct Issuer {
  int x = 0, y = 0;
  std::string proc;
  std::vector<int> events;
  size_t next = 0;
  uint64_t free_at = 0;
  bool stepping = false;            // a step is scheduled or it is blocked
  uint64_t finish = 0;
  NocEvent read_state, write_state; // what *_SET_STATE programmed
};

class Replay {
 public:
  Replay(const NocTrace& trace, const ArchConfig& config, IssueMode mode)
      : trace_(trace), config_(config), engine_(config.packet_manager.engine), mode_(mode),
        noc_(noc::make_noc_model(config.noc)), dram_(config), modelled_(trace.events.size(), 0) {}

  ReplayResult run();

 private:
  using Task = std::function<void()>;
  struct Pending {
    uint64_t t, seq;
    bool operator>(const Pending& o) const { return t != o.t ? t > o.t : seq > o.seq; }
  };

  void at(uint64_t t, Task a) {
    t = std::max(t, now_);
    actions_.push_back(std::move(a));
    queue_.push({t, static_cast<uint64_t>(actions_.size() - 1)});
  }
  // Sends now (the caller runs at now_); `done` runs at the delivery cycle.
  void send(int src, std::vector<int> dsts, uint64_t bytes, int network, std::function<void()> done) {
    noc::Message m;
    m.id = next_message_++;
    m.src = src;
    m.dsts = std::move(dsts);
    m.bytes = bytes;
    m.network = network;
    on_delivery_[m.id] = std::move(done);
    noc_->inject(m, now_);
  }

  int node(int x, int y) const { return y * config_.chip.grid_width + x; }
  void check_pos(const NocEvent& e, int x, int y, const char* field) const;
  int niu_of(const NocEvent& e);
  void open_transfer(Transfer& t, int id, Category c);
  void close(int id, Category c);
  void become_active(Niu& n), become_idle(Niu& n);

  void start_call(const NocEvent& e, Issuer& who);
  void start_read(const NocEvent& e, int target_x, int target_y, uint64_t bytes);
  void start_write(const NocEvent& e, std::vector<int> dsts, uint64_t bytes, bool atomic);
  int start_barrier(const NocEvent& e, int issuer);
  void barrier_done(int b);
  void step(int issuer);
  void wake_credit_waiters(Niu& n);

  const NocTrace& trace_;
  const ArchConfig& config_;
  DataMovementEngineConfig engine_;
  IssueMode mode_;
  std::unique_ptr<noc::NocModel> noc_;
  DramChannels dram_;
  std::vector<uint64_t> modelled_;  // per event, cycles from the first timestamp

  std::priority_queue<Pending, std::vector<Pending>, std::greater<Pending>> queue_;
  std::vector<Task> actions_;
  std::map<uint64_t, std::function<void()>> on_delivery_;
  uint64_t next_message_ = 1;
  uint64_t now_ = 0;

  std::vector<Issuer> issuers_;
  std::map<int, Niu> nius_;         // node * 2 + noc
  std::map<int, uint64_t> responder_free_;  // node * 2 + noc: when the NIU has read its last response
  std::vector<Transfer> transfers_;
  std::vector<Barrier> barriers_;
  ReplayResult result_;
};

void Replay::check_pos(const NocEvent& e, int x, int y, const char* field) const {
  if (x < config_.chip.grid_width && y < config_.chip.grid_height) return;
  std::string f = field;
  throw input_error(trace_.file, "[" + std::to_string(e.index) + "]." + f,
                    "(" + std::to_string(x) + ", " + std::to_string(y) + ") is outside the " +
                        std::to_string(config_.chip.grid_width) + "x" + std::to_string(config_.chip.grid_height) +
                        " NoC grid of " + config_.source_file + " (trace coordinates are physical NoC coordinates)");
}

int Replay::niu_of(const NocEvent& e) {
  const int key = node(e.sx, e.sy) * 2 + e.noc;
  Niu& n = nius_[key];
  if (!n.issue) {
    n.issue = std::make_unique<NiuIssueModel>(engine_);
    n.use = static_cast<int>(result_.nius.size());
    result_.nius.push_back({e.sx, e.sy, e.noc, 0, 0, 0, 0});
  }
  return key;
}

void Replay::become_active(Niu& n) {
  if (n.active++ == 0) n.active_since = now_;
}
void Replay::become_idle(Niu& n) {
  if (--n.active == 0) result_.nius[n.use].busy_cycles += now_ - n.active_since;
}

void Replay::open_transfer(Transfer& t, int id, Category c) { nius_[t.niu].open[c].insert(id); }

void Replay::close(int id, Category c) {
  Transfer& t = transfers_[id];
  Niu& n = nius_[t.niu];
  n.open[c].erase(id);
  for (int b : t.waiters[c])
    if (--barriers_[b].remaining == 0) barrier_done(b);
  t.waiters[c].clear();
  if (c == kReadLanded) {
    n.issue->read_landed();
    wake_credit_waiters(n);
  }
  if (c == kReadLanded || c == kWriteAcked || c == kAtomicAcked) {
    result_.transfers[t.span].done = now_;
    result_.last_landing_cycles = std::max(result_.last_landing_cycles, now_);
    become_idle(n);
  }
}

void Replay::wake_credit_waiters(Niu& n) {
  std::vector<int> waiting;
  waiting.swap(n.credit_waiters);
  for (int i : waiting) {
    issuers_[i].stepping = true;
    at(now_, [this, i] { step(i); });
  }
}

void Replay::start_read(const NocEvent& e, int tx, int ty, uint64_t bytes) {
  check_pos(e, tx, ty, "dx");
  const int key = niu_of(e);
  Niu& n = nius_[key];
  const int id = static_cast<int>(transfers_.size());
  transfers_.push_back({});
  transfers_[id].niu = key;
  transfers_[id].span = static_cast<int>(result_.transfers.size());
  result_.transfers.push_back({e.index, e.type, e.proc, e.sx, e.sy, tx, ty, e.noc, bytes, now_, 0});
  open_transfer(transfers_[id], id, kReadLanded);
  n.issue->read_issued();
  become_active(n);
  NiuUse& use = result_.nius[n.use];
  use.transfers++, use.bytes += bytes;
  use.peak_outstanding_reads = std::max(use.peak_outstanding_reads, n.issue->outstanding_reads());

  const int requester = node(e.sx, e.sy), target = node(tx, ty);
  const int network = e.noc;
  int channel = -1;
  for (size_t c = 0; c < config_.dram.positions.size(); ++c)
    if (config_.dram.positions[c] == GridPos{tx, ty}) channel = static_cast<int>(c);
  send(requester, {target}, engine_.request_bytes, network, [=] {
    // The request has arrived: the target reads the data and streams it back in response packets.
    const uint64_t chunk = std::max<uint64_t>(1, engine_.response_packet_bytes);
    const uint64_t packets = (bytes + chunk - 1) / chunk;
    transfers_[id].pending = static_cast<int>(packets);
    // The data streams out at the DRAM channel's rate, or at the target NIU's L1 read rate, requests
    // served one after another, each no earlier than the latency after its arrival (so the latency hides
    // behind a queue); a packet leaves so that its tail goes when its last byte has been read.
    uint64_t begin;
    double rate;
    if (channel >= 0) {
      rate = config_.dram_bytes_per_cycle();
      const uint64_t end = dram_.read(channel, bytes, now_);
      begin = end - static_cast<uint64_t>(std::ceil(bytes / rate));
    } else {
      rate = engine_.niu_response_bytes_per_cycle;
      uint64_t& free = responder_free_[target * 2 + network];
      begin = std::max(now_ + engine_.l1_read_latency_cycles, free);
      free = begin + static_cast<uint64_t>(std::ceil(bytes / rate));
    }
    const double link = config_.noc.link_bytes_per_cycle;
    uint64_t sent = 0;
    for (uint64_t p = 0; p < packets; ++p) {
      const uint64_t size = std::min(chunk, bytes - sent);
      sent += size;
      const double read_done = std::ceil(sent / rate), on_link = std::ceil(size / link);
      const uint64_t ready = begin + static_cast<uint64_t>(std::max(0.0, read_done - on_link));
      at(ready, [=] {
        send(target, {requester}, size, network, [=] {
          if (--transfers_[id].pending == 0) close(id, kReadLanded);
        });
      });
    }
  });
}

void Replay::start_write(const NocEvent& e, std::vector<int> dsts, uint64_t bytes, bool atomic) {
  const int key = niu_of(e);
  Niu& n = nius_[key];
  const int id = static_cast<int>(transfers_.size());
  transfers_.push_back({});
  transfers_[id].niu = key;
  transfers_[id].span = static_cast<int>(result_.transfers.size());
  const int first = dsts.empty() ? node(e.sx, e.sy) : dsts.front();
  result_.transfers.push_back({e.index, e.type, e.proc, e.sx, e.sy, first % config_.chip.grid_width,
                               first / config_.chip.grid_width, e.noc, bytes, now_, 0});
  const Category acked = atomic ? kAtomicAcked : kWriteAcked;
  open_transfer(transfers_[id], id, acked);
  if (!atomic) open_transfer(transfers_[id], id, kWriteLanded);
  become_active(n);
  result_.nius[n.use].transfers++, result_.nius[n.use].bytes += bytes;
  const int src = node(e.sx, e.sy);
  const int network = e.noc;
  if (dsts.empty()) {  // a multicast rectangle that holds only the sender: nothing travels
    if (!atomic) close(id, kWriteLanded);
    close(id, acked);
    return;
  }
  const int acks = static_cast<int>(dsts.size());
  std::vector<int> targets = dsts;
  send(src, std::move(dsts), atomic ? engine_.request_bytes : bytes, network, [=] {
    if (!atomic) close(id, kWriteLanded);
    transfers_[id].pending = acks;
    for (int t : targets) {
      uint64_t ready = now_;
      for (size_t c = 0; c < config_.dram.positions.size(); ++c)
        if (node(config_.dram.positions[c].x, config_.dram.positions[c].y) == t)
          ready = dram_.write(static_cast<int>(c), bytes, now_);
      at(ready, [=] {
        send(t, {src}, engine_.request_bytes, network, [=] {
          if (--transfers_[id].pending == 0) close(id, acked);
        });
      });
    }
  });
}

// The transfers a barrier waits for, by its kind (a plain barrier waits for every kind but flushes).
static std::vector<Category> barrier_categories(Action a) {
  switch (a) {
    case Action::read_barrier: return {kReadLanded};
    case Action::write_barrier: return {kWriteAcked};
    case Action::write_flush: return {kWriteLanded};
    case Action::atomic_barrier: return {kAtomicAcked};
    default: return {kReadLanded, kWriteAcked, kAtomicAcked};
  }
}

int Replay::start_barrier(const NocEvent& e, int issuer) {
  const int key = niu_of(e);
  Niu& n = nius_[key];
  const std::vector<Category> cats = barrier_categories(e.action);
  const int b = static_cast<int>(barriers_.size());
  barriers_.push_back({issuer, 0, -1});
  for (Category c : cats)
    for (int id : n.open[c]) {
      transfers_[id].waiters[c].push_back(b);
      barriers_[b].remaining++;
    }
  // The END that follows in the same RISC-V's program reports this barrier's end.
  const Issuer& who = issuers_[issuer];
  for (size_t k = who.next + 1; k < who.events.size(); ++k) {
    const NocEvent& later = trace_.events[who.events[k]];
    if (later.action == Action::barrier_end) barriers_[b].end_event = later.index;
    if (later.action != Action::marker) break;
  }
  return b;
}

void Replay::barrier_done(int b) {
  Barrier& bar = barriers_[b];
  if (bar.end_event >= 0) modelled_[bar.end_event] = now_;
  if (mode_ == IssueMode::engine) {
    Issuer& who = issuers_[bar.issuer];
    who.free_at = now_;
    at(now_, [this, i = bar.issuer] { step(i); });
  }
}

// Carries out one call at now_: transfers start, state is kept, barriers begin.
void Replay::start_call(const NocEvent& e, Issuer& who) {
  modelled_[e.index] = now_;
  const bool with_state = e.type.find("WITH_STATE") != std::string::npos;
  switch (e.action) {
    case Action::read: {
      const NocEvent& s = with_state ? who.read_state : e;
      const int tx = e.has_target() ? e.dx : s.dx, ty = e.has_target() ? e.dy : s.dy;
      const uint64_t bytes = e.num_bytes ? e.num_bytes : s.num_bytes;
      if (tx < 0 || bytes == 0)
        throw input_error(trace_.file, "[" + std::to_string(e.index) + "].type",
                          e.type + " without a target and size (from the event or an earlier *_SET_STATE)");
      start_read(e, tx, ty, bytes);
      break;
    }
    case Action::write:
    case Action::atomic: {
      const NocEvent& s = with_state ? who.write_state : e;
      const int tx = e.has_target() ? e.dx : s.dx, ty = e.has_target() ? e.dy : s.dy;
      const uint64_t bytes = e.action == Action::atomic ? 4 : e.num_bytes ? e.num_bytes : s.num_bytes;
      if (tx < 0 || bytes == 0)
        throw input_error(trace_.file, "[" + std::to_string(e.index) + "].type",
                          e.type + " without a target and size (from the event or an earlier *_SET_STATE)");
      check_pos(e, tx, ty, "dx");
      start_write(e, {node(tx, ty)}, bytes, e.action == Action::atomic);
      break;
    }
    case Action::write_multicast: {
      check_pos(e, std::max(e.mcast_x0, e.mcast_x1), std::max(e.mcast_y0, e.mcast_y1), "mcast_end_x");
      std::vector<int> dsts;
      for (int y = std::min(e.mcast_y0, e.mcast_y1); y <= std::max(e.mcast_y0, e.mcast_y1); ++y)
        for (int x = std::min(e.mcast_x0, e.mcast_x1); x <= std::max(e.mcast_x0, e.mcast_x1); ++x)
          if (!(x == e.sx && y == e.sy) && config_.kind_at({x, y}) == TileKind::tensix) dsts.push_back(node(x, y));
      start_write(e, std::move(dsts), e.num_bytes, false);
      break;
    }
    case Action::set_state:
      (e.type.rfind("READ", 0) == 0 ? who.read_state : who.write_state) = e;
      break;
    case Action::unmodelled:
      result_.unmodelled[e.type]++;
      break;
    default:
      break;
  }
}

// Engine mode: runs the RISC-V's program from where it stopped until a call must wait.
void Replay::step(int i) {
  Issuer& who = issuers_[i];
  who.stepping = false;
  while (who.next < who.events.size()) {
    if (who.free_at > now_) {
      who.stepping = true;
      at(who.free_at, [this, i] { step(i); });
      return;
    }
    const NocEvent& e = trace_.events[who.events[who.next]];
    if (e.action == Action::read) {
      Niu& n = nius_[niu_of(e)];
      if (!n.issue->read_credit_available()) {
        who.stepping = true;
        n.credit_waiters.push_back(i);
        return;
      }
    }
    if (e.action == Action::barrier_end) {  // its time was set when the barrier ended
      ++who.next;
      continue;
    }
    const bool barrier = e.action == Action::read_barrier || e.action == Action::write_barrier ||
                         e.action == Action::write_flush || e.action == Action::full_barrier ||
                         e.action == Action::atomic_barrier;
    start_call(e, who);
    if (barrier) {
      const int b = start_barrier(e, i);
      ++who.next;
      if (barriers_[b].remaining > 0) {
        who.stepping = true;  // barrier_done() resumes it
        return;
      }
      barrier_done(b);
      return;
    }
    who.free_at = now_ + engine_.riscv_issue_cycles;
    ++who.next;
  }
}

ReplayResult Replay::run() {
  result_.mode = mode_;
  result_.golden_cycles = golden_cycles(trace_);
  const uint64_t t0 = trace_.first_timestamp;
  // One issuer per (core, RISC-V), its events in recorded order.
  std::map<std::tuple<int, int, std::string>, int> index;
  for (const NocEvent& e : trace_.events) {
    modelled_[e.index] = e.timestamp - t0;
    if (e.action == Action::marker) continue;
    check_pos(e, e.sx, e.sy, "sx");
    if (e.has_target()) check_pos(e, e.dx, e.dy, "dx");
    ++result_.noc_events;
    auto key = std::make_tuple(e.sx, e.sy, e.proc);
    auto it = index.find(key);
    if (it == index.end()) {
      it = index.emplace(key, static_cast<int>(issuers_.size())).first;
      issuers_.push_back({});
      issuers_.back().x = e.sx, issuers_.back().y = e.sy, issuers_.back().proc = e.proc;
    }
    issuers_[it->second].events.push_back(e.index);
  }
  for (Issuer& who : issuers_)
    std::stable_sort(who.events.begin(), who.events.end(), [&](int a, int b) {
      return trace_.events[a].timestamp < trace_.events[b].timestamp;
    });

  for (int i = 0; i < static_cast<int>(issuers_.size()); ++i) {
    Issuer& who = issuers_[i];
    if (mode_ == IssueMode::engine) {
      // A RISC-V's first call is taken at its recorded time: what comes before it is the kernel's set-up
      // code, not data movement.
      who.free_at = trace_.events[who.events.front()].timestamp - t0;
      who.stepping = true;
      at(who.free_at, [this, i] { step(i); });
      continue;
    }
    for (size_t k = 0; k < who.events.size(); ++k) {
      const int ev = who.events[k];
      const NocEvent& e = trace_.events[ev];
      if (e.action == Action::barrier_end) continue;  // modelled when its barrier ends
      at(e.timestamp - t0, [this, i, k, ev] {
        Issuer& w = issuers_[i];
        const NocEvent& call = trace_.events[ev];
        w.next = k;
        start_call(call, w);
        if (call.action == Action::read_barrier || call.action == Action::write_barrier ||
            call.action == Action::write_flush || call.action == Action::full_barrier ||
            call.action == Action::atomic_barrier) {
          const int b = start_barrier(call, i);
          if (barriers_[b].remaining == 0) barrier_done(b);
        }
      });
    }
  }

  std::vector<noc::Delivery> delivered;
  for (;;) {
    const uint64_t ta = queue_.empty() ? noc::kNever : queue_.top().t;
    const uint64_t tn = noc_->next_event_cycle();
    if (ta == noc::kNever && tn == noc::kNever) break;
    if (tn <= ta) {
      delivered.clear();
      const uint64_t reached = noc_->advance_to(ta == noc::kNever ? noc::kNever - 1 : ta, delivered, true);
      for (const noc::Delivery& d : delivered) {
        now_ = std::max(now_, d.cycle);
        auto it = on_delivery_.find(d.id);
        std::function<void()> done = std::move(it->second);
        on_delivery_.erase(it);
        done();
      }
      now_ = std::max(now_, std::min(reached, ta));
      continue;
    }
    Pending p = queue_.top();
    queue_.pop();
    now_ = p.t;
    Task a = std::move(actions_[p.seq]);
    a();
  }
  for (Issuer& who : issuers_)
    if (who.next < who.events.size() && mode_ == IssueMode::engine)
      throw std::logic_error("noc-trace replay stopped with a RISC-V waiting (a barrier that never ends)");

  uint64_t last = 0;
  for (uint64_t t : modelled_) last = std::max(last, t);
  result_.predicted_cycles = last > kKernelEndOffsetCycles ? last - kKernelEndOffsetCycles : 0;
  result_.error = result_.golden_cycles
                      ? (double(result_.predicted_cycles) - double(result_.golden_cycles)) / double(result_.golden_cycles)
                      : 0.0;
  for (Issuer& who : issuers_) {
    uint64_t f = 0;
    for (int ev : who.events) f = std::max(f, modelled_[ev]);
    result_.issuers.push_back({who.x, who.y, who.proc, f});
  }
  StatsRegistry stats;
  noc_->report_stats(stats, "");
  for (const auto& [name, stat] : stats.all()) {
    const std::string suffix = ".flits";
    if (name.find("link.") == std::string::npos || name.size() < suffix.size() ||
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
      continue;
    const std::string base = name.substr(0, name.size() - suffix.size());
    result_.links.push_back({base, static_cast<uint64_t>(stat.value),
                             static_cast<uint64_t>(stats.get(base + ".busy_cycles"))});
  }
  return result_;
}

}  // namespace

ReplayResult replay_noc_trace(const NocTrace& trace, const ArchConfig& config, IssueMode mode) {
  Replay replay(trace, config, mode);
  return replay.run();
}

}  // namespace tessera::noc_trace
