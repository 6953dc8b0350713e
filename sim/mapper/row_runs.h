#pragma once
// Finding which of an operand's parts a block's region overlaps without scanning them all. The parts of a
// fetch are, nearly always, in row order (each part's first and last rows no earlier than the previous
// part's): then the parts whose rows can meet a region's are one run of indices, found by two binary
// searches, and only those need the full overlap test. Parts out of order fall back to the whole list, so
// the answer is always the scan's; only its cost changes (a conv's thousands of blocks a core made the
// scans quadratic, most of an OFT mapping's time).
#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

#include "sim/workload/matrix_view.h"

namespace tessera {

class RowRuns {
 public:
  RowRuns() = default;
  explicit RowRuns(std::vector<Region> parts) : parts_(std::move(parts)) {
    for (size_t i = 1; i < parts_.size() && ordered_; ++i)
      ordered_ = parts_[i].r0 >= parts_[i - 1].r0 && parts_[i].r1 >= parts_[i - 1].r1;
  }

  size_t size() const { return parts_.size(); }
  const Region& operator[](size_t i) const { return parts_[i]; }

  // [first, last): every part that overlaps `q` lies in it (parts in it may still miss q's columns).
  std::pair<size_t, size_t> candidates(const Region& q) const {
    if (!ordered_) return {0, parts_.size()};
    // Rows overlap only where part.r1 > q.r0 and part.r0 < q.r1; both bounds are sorted.
    const auto lo = std::partition_point(parts_.begin(), parts_.end(), [&](const Region& p) { return p.r1 <= q.r0; });
    const auto hi = std::partition_point(lo, parts_.end(), [&](const Region& p) { return p.r0 < q.r1; });
    return {size_t(lo - parts_.begin()), size_t(hi - parts_.begin())};
  }

  // Calls f(index) for each part overlapping `q`, in index order.
  template <class F>
  void for_each_overlap(const Region& q, F&& f) const {
    const auto [first, last] = candidates(q);
    for (size_t i = first; i < last; ++i)
      if (!parts_[i].intersect(q).empty()) f(i);
  }

 private:
  std::vector<Region> parts_;
  bool ordered_ = true;
};

}  // namespace tessera
