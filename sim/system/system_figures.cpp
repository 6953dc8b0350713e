#include "sim/system/system_figures.h"

#include "core/compute_costs.h"

namespace tessera::system {

std::map<std::pair<int, int>, int> links_per_pair(const SystemConfig& s) {
  std::map<std::pair<int, int>, int> out;
  for (const EthLink& l : s.links) ++out[{std::min(l.a.chip, l.b.chip), std::max(l.a.chip, l.b.chip)}];
  return out;
}

Bisection bisection(const SystemConfig& s) {
  Bisection b;
  b.across_x = s.cols >= s.rows;
  const int size = b.across_x ? s.cols : s.rows;
  if (size < 2) return b;
  const int half = size / 2;
  for (const EthLink& l : s.links) {
    const GridPos pa = s.position_of[size_t(l.a.chip)], pb = s.position_of[size_t(l.b.chip)];
    const int ia = b.across_x ? pa.x : pa.y, ib = b.across_x ? pb.x : pb.y;
    if ((ia < half) != (ib < half)) ++b.links;
  }
  b.gbytes_per_s = 2.0 * b.links * s.ethernet.gbytes_per_s;
  return b;
}

double peak_tflops(const SystemConfig& s, Fidelity fidelity) {
  double total = 0;
  for (const ArchConfig& c : s.chips)
    total += ComputeCosts(c.core).peak_flops_per_cycle(fidelity) * double(c.compute_cores().size()) *
             c.chip.clock_ghz * 1e9 / 1e12;
  return total;
}

}  // namespace tessera::system
