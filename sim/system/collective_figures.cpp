#include "sim/system/collective_figures.h"

namespace tessera::system {

CollectiveFigures collective_figures(const Collective& c, uint64_t cycles, double clock_ghz) {
  CollectiveFigures f;
  f.seconds = double(cycles) / (clock_ghz * 1e9);
  if (f.seconds <= 0) return f;
  const double n = c.chips, b = double(c.bytes_per_chip);
  f.algbw_gbps = b / f.seconds / 1e9;
  double bus = 0;
  switch (c.op) {
    case CollectiveOp::all_gather: bus = (n - 1) * b; break;  // S = N B, times (N-1)/N
    case CollectiveOp::reduce_scatter:
    case CollectiveOp::all_to_all: bus = (n - 1) / n * b; break;
    case CollectiveOp::all_reduce: bus = 2 * (n - 1) / n * b; break;
    case CollectiveOp::send_recv: bus = b; break;
  }
  f.busbw_gbps = bus / f.seconds / 1e9;
  // Per link and direction, as tt-metal's CCL report counts it: the bytes through the busiest link over the
  // links carrying them (both directions on a ring). That is busbw for every op but all_to_all, whose
  // chunks for far chips relay through the middle link: floor(N/2) ceil(N/2) / N of a chip's buffer.
  const double bottleneck = c.op == CollectiveOp::all_to_all ? double(c.chips / 2) * double((c.chips + 1) / 2) / n * b : bus;
  f.per_link_gbps = bottleneck / f.seconds / 1e9 / c.links / (c.topology == Topology1d::ring ? 2 : 1);
  return f;
}

}  // namespace tessera::system
