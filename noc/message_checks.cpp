#include "noc/message_checks.h"

#include <algorithm>
#include <stdexcept>

namespace tessera::noc {

bool check_message(const Message& m, int nodes) {
  if (m.dsts.empty()) throw std::invalid_argument("NoC message without destination");
  if (m.src < 0 || m.src >= nodes) throw std::invalid_argument("NoC message source outside the grid");
  for (int dst : m.dsts)
    if (dst < 0 || dst >= nodes) throw std::invalid_argument("NoC message destination outside the grid");
  if (m.dsts.size() < 2) return false;
  std::vector<int> sorted = m.dsts;
  std::sort(sorted.begin(), sorted.end());
  return std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end();
}

Message with_distinct_destinations(const Message& m) {
  Message out = m;
  out.dsts.clear();
  for (int dst : m.dsts)
    if (std::find(out.dsts.begin(), out.dsts.end(), dst) == out.dsts.end()) out.dsts.push_back(dst);
  return out;
}

}  // namespace tessera::noc
