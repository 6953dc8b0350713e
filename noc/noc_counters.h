#pragma once
// Plain integer counters every NoC model keeps while it runs, turned into named statistics afterwards.
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

  void count_link_flits(int link, uint64_t flits) {
    link_flits[link] += flits;
    flit_hops += flits;
  }
  void record_message_latency(uint64_t cycles);

  // Statistic names, for prefix "noc.": noc.link.3_4.east.flits / .busy_cycles (only links that carried
  // something), or noc.noc0.link... and noc.noc1.link... on tt_dual; noc.messages, noc.packets, noc.flits,
  // noc.flit_hops, noc.message_latency.avg / .max and noc.message_latency.hist.<lo>_<hi> in power-of-two
  // buckets of cycles.
  void report(StatsRegistry& stats, const std::string& prefix) const;

  std::vector<uint64_t> link_flits;   // per link id (see link_id())
  std::vector<uint64_t> link_busy;    // cycles a link carried a flit, unless busy_is_flits
  bool busy_is_flits = false;         // a link carries one flit per cycle: busy cycles are its flits
  uint64_t messages = 0;
  uint64_t packets = 0;
  uint64_t flits = 0;                 // flits injected (a multicast packet counts once)
  uint64_t flit_hops = 0;             // flits times router-to-router links crossed
  uint64_t latency_sum = 0;
  uint64_t latency_max = 0;
  std::array<uint64_t, 40> latency_histogram{};  // bucket b holds [2^(b-1), 2^b), bucket 0 holds 0

 private:
  std::vector<Network> networks_;
};

}  // namespace tessera::noc
