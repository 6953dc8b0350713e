#pragma once
// The busy intervals of one link (or port) for the packet model: a packet takes the earliest gap long
// enough for its flits at or after the cycle its head arrives, so a packet reserved far in the future does
// not hold up one that reaches the link earlier.
#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

namespace tessera::noc {

class LinkCalendar {
 public:
  // First cycle >= `arrive` starting `length` free cycles.
  uint64_t earliest(uint64_t arrive, uint64_t length) const {
    uint64_t start = arrive;
    for (const auto& [from, to] : busy_) {
      if (to <= start) continue;
      if (from >= start + length) break;
      start = to;
    }
    return start;
  }
  void reserve(uint64_t start, uint64_t length) {
    auto at = std::lower_bound(busy_.begin(), busy_.end(), std::make_pair(start, start));
    busy_.insert(at, {start, start + length});
  }
  // Drops intervals over before `cycle`: no later packet can arrive before it.
  void forget_before(uint64_t cycle) {
    size_t keep = 0;
    while (keep < busy_.size() && busy_[keep].second <= cycle) ++keep;
    if (keep) busy_.erase(busy_.begin(), busy_.begin() + static_cast<long>(keep));
  }

 private:
  std::vector<std::pair<uint64_t, uint64_t>> busy_;  // [start, end), sorted, disjoint
};

}  // namespace tessera::noc
