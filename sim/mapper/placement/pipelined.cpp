// Pipelined placement: consecutive ops form stages on disjoint core groups sized to balance the stages'
// work, and tiles stream from one stage to the next as they are produced (a spatial dataflow).
#include <algorithm>
#include <cmath>

#include "sim/mapper/placement.h"

namespace tessera {
namespace {

std::vector<CoreGroup> place(const MapContext& ctx) {
  const int cores = ctx.core_count;
  const size_t n = ctx.graph.ops.size();
  std::vector<CoreGroup> groups(n, CoreGroup{0, cores});
  if (n == 0) return groups;
  // Stages: consecutive ops with about equal work; by default one stage per 24 cores, so that a stage can
  // still split its ops and hold their data (smaller groups overflow SRAM and stage through DRAM).
  std::vector<double> work(n);
  double total = 0;
  for (size_t i = 0; i < n; ++i) total += work[i] = op_work_cycles(ctx, ctx.graph.ops[i]);
  const int wanted = ctx.config.mapper.pipeline_stages ? int(ctx.config.mapper.pipeline_stages) : cores / 24;
  const int stages = std::max(1, std::min({wanted, cores, int(n)}));
  std::vector<int> stage_of(n, 0);
  std::vector<double> stage_work(stages, 0);
  double running = 0;
  for (size_t i = 0; i < n; ++i) {
    const int s = std::min(stages - 1, int(running / std::max(total, 1.0) * stages));
    stage_of[i] = s;
    stage_work[s] += work[i];
    running += work[i];
  }
  // Cores per stage in proportion to its work (largest remainder), at least one each; empty stages none.
  std::vector<int> used;
  for (int s = 0; s < stages; ++s)
    if (stage_work[s] > 0 || s == 0) used.push_back(s);
  std::vector<int> count(stages, 0);
  int given = 0;
  std::vector<std::pair<double, int>> remainder;
  double used_work = 0;
  for (int s : used) used_work += stage_work[s];
  for (int s : used) {
    const double exact = used_work > 0 ? stage_work[s] / used_work * (cores - int(used.size())) : 0;
    count[s] = 1 + int(std::floor(exact));
    given += count[s];
    remainder.emplace_back(exact - std::floor(exact), -s);
  }
  std::sort(remainder.rbegin(), remainder.rend());
  for (size_t k = 0; given < cores && k < remainder.size(); ++k, ++given) ++count[-remainder[k].second];
  std::vector<CoreGroup> stage_group(stages);
  int first = 0;
  for (int s = 0; s < stages; ++s) {
    stage_group[s] = {first, count[s]};
    first += count[s];
  }
  for (size_t i = 0; i < n; ++i) {
    // Ops with no work of their own (folded into a stage that has none) borrow the previous stage's cores.
    int s = stage_of[i];
    while (s > 0 && count[s] == 0) --s;
    groups[i] = count[s] ? stage_group[s] : CoreGroup{0, cores};
  }
  return groups;
}

}  // namespace

PlacementPolicy pipelined_policy() { return {Placement::pipelined, "pipelined", place}; }

}  // namespace tessera
