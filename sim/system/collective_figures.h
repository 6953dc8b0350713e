#pragma once
// Bandwidth figures of a collective run, defined as nccl-tests defines them (its PERFORMANCE.md), with
// B the trace's bytes per chip, N the chips and t the modelled time:
//   algbw = B / t (bytes per chip over time; nccl-tests' algbw uses its buffer size S, which is N B for
//           all_gather and B for the others)
//   busbw = S / t x factor: all_gather (N-1)/N with S = N B, reduce_scatter and all_to_all (N-1)/N,
//           all_reduce 2 (N-1)/N, send_recv 1
//   per-link = busbw / links / (2 on a ring, whose two directions both carry the data; 1 on a line):
//           the convention of tt-metal's CCL reports (multichip.md's table), so the figures compare.
#include <cstdint>

#include "sim/system/collective_trace.h"

namespace tessera::system {

struct CollectiveFigures {
  double seconds = 0;
  double algbw_gbps = 0;
  double busbw_gbps = 0;
  double per_link_gbps = 0;
};

CollectiveFigures collective_figures(const Collective& c, uint64_t cycles, double clock_ghz);

}  // namespace tessera::system
