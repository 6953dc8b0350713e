// RowRuns must find exactly the parts a scan of every part finds, in the same order, for parts in row order
// (binary search) and out of it (the scan itself).
#include <catch2/catch.hpp>

#include <vector>

#include "sim/mapper/row_runs.h"

using namespace tessera;

namespace {

std::vector<size_t> scanned(const std::vector<Region>& parts, const Region& q) {
  std::vector<size_t> out;
  for (size_t i = 0; i < parts.size(); ++i)
    if (!parts[i].intersect(q).empty()) out.push_back(i);
  return out;
}

std::vector<size_t> found(const RowRuns& runs, const Region& q) {
  std::vector<size_t> out;
  runs.for_each_overlap(q, [&](size_t i) { out.push_back(i); });
  return out;
}

}  // namespace

TEST_CASE("row runs: the parts a region overlaps are the scan's, in order and out of it") {
  // Row chunks of a 96-row operand (a fetch split by rows), two column halves of each, a halo'd window's
  // overlapping parts, an empty part, and a set out of row order.
  const std::vector<std::vector<Region>> sets = {
      {{0, 32, 0, 64}, {32, 64, 0, 64}, {64, 96, 0, 64}},
      {{0, 32, 0, 32}, {0, 32, 32, 64}, {32, 64, 0, 32}, {32, 64, 32, 64}},
      {{0, 40, 0, 64}, {24, 72, 0, 64}, {56, 96, 0, 64}},
      {{0, 32, 0, 64}, {32, 32, 0, 64}, {32, 64, 0, 64}},
      {{64, 96, 0, 64}, {0, 32, 0, 64}, {32, 64, 0, 64}},
  };
  const std::vector<Region> queries = {{0, 1, 0, 64},  {31, 33, 0, 64}, {32, 64, 0, 32}, {40, 50, 40, 50},
                                       {95, 96, 0, 1}, {96, 128, 0, 64}, {10, 10, 0, 64}, {0, 96, 64, 96},
                                       {0, 96, 0, 64}, {60, 70, 0, 64}};
  for (const auto& parts : sets) {
    const RowRuns runs(parts);
    for (const Region& q : queries) {
      INFO("query rows " << q.r0 << ".." << q.r1 << " cols " << q.c0 << ".." << q.c1);
      CHECK(found(runs, q) == scanned(parts, q));
    }
  }
  // Rows 31..33 meet the first two row chunks and no other: the run is indices 0 and 1.
  CHECK(found(RowRuns(sets[0]), {31, 33, 0, 64}) == std::vector<size_t>{0, 1});
}
