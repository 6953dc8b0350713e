// Fitting SRAM: map, find the cores and op steps whose resident data would overflow, send the data that
// waits longest through DRAM instead (the producer writes it, the consumer reads it back just before its
// op), and where an op's own inputs do not fit, stream them through a bounded buffer; then map again.
#include <algorithm>
#include <set>

#include "sim/base/errors.h"
#include "sim/mapper/mapper.h"

namespace tessera {
namespace {

constexpr int kMaxAttempts = 12;

// Streams an op's inputs, or if they already stream halves its blocks (at most three times); false when
// it can shrink no further.
bool stream_more(SramDecisions& d, int op) {
  auto [it, fresh] = d.streamed_ops.try_emplace(op, 0);
  if (fresh) return true;
  if (it->second >= 3) return false;
  ++it->second;
  return true;
}

// Adds decisions that relieve every overflow; false when nothing more can be done.
bool relieve_overflows(const MappingAttempt& a, uint64_t capacity, SramDecisions& d) {
  bool changed = false;
  for (size_t core = 0; core < a.resident.size(); ++core) {
    for (size_t step = 0; step < a.resident[core].size(); ++step) {
      const uint64_t held = a.resident[core][step];
      if (held <= capacity) continue;
      uint64_t excess = held - capacity;
      // Data waiting here for a later op: staging it leaves it only in [consumer - 1, consumer]; a DRAM read
      // that landed early waits for the core's last op before its consumer instead.
      std::vector<const Holding*> waiting;
      for (const Holding& h : a.holdings)
        if (int(core) == h.core && h.tensor >= 0 && h.from <= int(step) && int(step) < h.consumer - 1 &&
            (h.prefetched || !d.staged.count({h.tensor, h.consumer})))
          waiting.push_back(&h);
      std::sort(waiting.begin(), waiting.end(), [](const Holding* x, const Holding* y) {
        return x->bytes != y->bytes ? x->bytes > y->bytes : x->tensor < y->tensor;
      });
      std::set<int> early_reads;  // ops whose DRAM reads land here, steps before them, even unprefetched
      for (const Holding* h : waiting) {
        if (excess == 0) break;
        if (h->prefetched) {
          // A DRAM read that lands this early: make it wait for the core's last op before it instead (it
          // is not in a core's SRAM to stage); if it already waits, stream it.
          if (!d.unprefetched_ops.insert(h->consumer).second) {
            early_reads.insert(h->consumer);
            continue;
          }
        } else {
          d.staged.insert({h->tensor, h->consumer});
        }
        excess = h->bytes >= excess ? 0 : excess - h->bytes;
        changed = true;
      }
      for (int op : early_reads) {
        changed = stream_more(d, op) || changed;
      }
      if (excess == 0) continue;
      // The ops running or prefetching here hold too much themselves: stream their inputs, and if they
      // already stream, halve their blocks.
      std::set<int> ops;
      for (const Holding& h : a.holdings)
        if (int(core) == h.core && h.tensor >= 0 && h.consumer >= int(step) && h.consumer <= int(step) + 1) {
          ops.insert(h.consumer);
          changed = d.staged.insert({h.tensor, h.consumer}).second || changed;
        }
      if (ops.empty() && step < a.resident[core].size()) ops.insert(int(step));  // the op's own buffers
      for (int op : ops) {
        // An op prefetching here while the previous one runs: fetch it after instead.
        if (op == int(step) + 1 && d.unprefetched_ops.insert(op).second) changed = true;
        changed = stream_more(d, op) || changed;
      }
    }
  }
  return changed;
}

// The SRAM fitting's last attempt, its reads and sends not yet in the programs (a.pending), or, when the
// fitting found nothing that fits, not recorded at all (map_graph refuses it).
MappingAttempt fit(const ArchConfig& config, const Graph& graph, SramDecisions& decisions) {
  const uint64_t capacity = config.core.sram_bytes();
  for (int attempt = 1;; ++attempt) {
    // The reads and sends go into the programs only for the attempt that is kept. Most graphs fit at the
    // first attempt, which keeps them; a refit measures SRAM without them (on a streamed network they are
    // millions of string-keyed groups) and maps once more with them if it fits.
    const Transfers transfers = attempt == 1 ? Transfers::keep : Transfers::drop;
    MappingAttempt a = map_once(config, graph, decisions, transfers);
    uint64_t peak = 0;
    for (const auto& core : a.plan.cores) peak = std::max(peak, core.sram_peak_bytes);
    const bool fits = peak <= capacity;
    // relieve_overflows changes the decisions only when it returns true.
    if (fits || attempt == kMaxAttempts || !relieve_overflows(a, capacity, decisions)) {
      // The same decisions map to the same plan: this time with its transfers.
      if (transfers == Transfers::drop && fits) return map_once(config, graph, decisions, Transfers::keep);
      return a;
    }
  }
}

}  // namespace

Plan map_graph(const ArchConfig& config, const Graph& graph) {
  SramDecisions decisions;
  MappingAttempt a = fit(config, graph, decisions);
  const uint64_t capacity = config.core.sram_bytes();
  for (size_t core = 0; core < a.resident.size(); ++core)
    for (size_t step = 0; step < a.resident[core].size(); ++step)
      if (a.resident[core][step] > capacity) {
        // Even streamed through DRAM in the smallest blocks, this op's data does not fit: a config error.
        const GridPos p = a.plan.cores[core].pos;
        const std::string op = step < graph.ops.size() ? graph.ops[step].name : graph.ops.back().name;
        throw input_error(config.source_file, "/core/sram_kib",
                          "expected enough SRAM for " + graph.name + ": core (" + std::to_string(p.x) + "," +
                              std::to_string(p.y) + ") needs " + std::to_string((a.resident[core][step] + 1023) / 1024) +
                              " KiB at op " + op + " even with its inputs streamed from DRAM in the smallest blocks, got " +
                              std::to_string(config.core.sram_kib) + " KiB");
      }
  a.finish_transfers();
  return std::move(a.plan);
}

MappingAttempt map_fitted(const ArchConfig& config, const Graph& graph) {
  SramDecisions decisions;
  MappingAttempt a = fit(config, graph, decisions);
  // An attempt that does not fit comes back without its transfers: map it again with them.
  if (!a.pending) return map_once(config, graph, decisions, Transfers::emit);
  a.finish_transfers();
  return a;
}

}  // namespace tessera
