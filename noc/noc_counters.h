#pragma once
// Plain integer counters every NoC model keeps while it runs, turned into named statistics afterwards.
// Besides totals they keep each link's flits per time window, recorded as the model moves flits: the
// window starts at one cycle and doubles (adjacent windows summed) whenever a flit lands beyond
// kMaxStatWindows windows, so the memory stays bounded whatever the run's length and nothing runs per cycle.
// Every model moves at most one flit per link per cycle, so a link's busy cycles are its flits.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "noc/routing.h"

namespace tessera { class StatsRegistry; }

namespace tessera::noc {

class NocCounters {
 public:
  explicit NocCounters(const std::vector<Network>& networks);

  // One flit crossing `link` at `cycle` (the flit model: once per flit-hop). The hot path only counts: a
  // link's flits wait as a pending count for their window and move into its series when the link first
  // carries a flit of another window (once per link and window, not per flit).
  void count_link_flit(int link, uint64_t cycle) {
    if ((cycle >> window_shift_) != pending_window_[link]) settle(link, cycle);
    ++link_flits[link];
    ++flit_hops;
  }
  // `flits` flits crossing `link` back to back, one per cycle from `first_cycle` (the packet and ideal
  // models: once per packet-hop).
  void count_link_flits(int link, uint64_t flits, uint64_t first_cycle);
  // A message accepted by the model (counted once however many destinations it has).
  void record_message_injected(uint64_t bytes) { payload_bytes += bytes; }
  void record_message_latency(uint64_t cycles);

  // Cycles per window now (a power of two); window i covers [i * window_cycles(), (i + 1) * window_cycles()).
  uint64_t window_cycles() const { return uint64_t{1} << window_shift_; }
  // Flits of `link` per window of `window` cycles (a power of two, at least window_cycles()), for as many
  // windows as `windows`.
  std::vector<uint64_t> link_window_flits(int link, uint64_t window, size_t windows) const;

  // Statistic names, for prefix "noc.": noc.link.3_4.east.flits (only links that carried something; a
  // detail series), or noc.noc0.link... and noc.noc1.link... on tt_dual; noc.direction.east.flits (or
  // noc.noc0.direction...), the flits on all links of one direction per window; noc.flit_hops (a series),
  // noc.messages, noc.payload_bytes, noc.packets, noc.flits, noc.message_latency.avg / .max and
  // noc.message_latency.hist.<lo>_<hi> in power-of-two buckets of cycles. Series use the registry's windows
  // (set to window_cycles(), up to the last flit, when it has none); throws std::logic_error when those
  // windows miss flits that were recorded (a window shorter than window_cycles(), or too few windows).
  void report(StatsRegistry& stats, const std::string& prefix) const;

  static constexpr uint64_t kWindows = 1024;  // most windows kept: kMaxStatWindows (sim/base/stats_registry.h)

  std::vector<uint64_t> link_flits;   // per link id (see link_id())
  uint64_t messages = 0;              // delivered
  uint64_t payload_bytes = 0;         // of the messages injected
  uint64_t packets = 0;
  uint64_t flits = 0;                 // flits injected (a multicast packet counts once)
  uint64_t flit_hops = 0;             // flits times router-to-router links crossed
  uint64_t latency_sum = 0;
  uint64_t latency_max = 0;
  std::array<uint64_t, 40> latency_histogram{};  // bucket b holds [2^(b-1), 2^b), bucket 0 holds 0

 private:
  // Doubles the window until `cycle` fits.
  void widen(uint64_t cycle);
  // Moves `link`'s pending flits into their window's place and makes the window of `cycle` its pending one.
  void settle(int link, uint64_t cycle);
  void place(int link, uint64_t window, uint64_t flits);

  std::vector<Network> networks_;
  // Flits per window and link, window-major (links that settle together write nearby), empty until used.
  std::vector<uint64_t> windows_;
  std::vector<uint64_t> placed_;                     // per link id: flits already in windows_
  std::vector<uint64_t> pending_window_;             // per link id: the window of its other flits
  unsigned window_shift_ = 0;
};

}  // namespace tessera::noc
