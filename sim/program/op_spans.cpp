#include "sim/program/op_spans.h"

#include <algorithm>

namespace tessera {

std::vector<OpSpan> op_spans(const std::vector<Activity>& activities, size_t ops, bool reads_in_span) {
  std::vector<OpSpan> spans(ops);
  for (const Activity& a : activities) {
    if (a.op < 0 || size_t(a.op) >= ops) continue;
    OpSpan& s = spans[size_t(a.op)];
    s.busy[size_t(a.engine)] += a.end - a.start;
    if (!reads_in_span && (a.engine == Engine::reader || a.engine == Engine::dram)) continue;
    s.start = std::min(s.start, a.start);
    s.end = std::max(s.end, a.end);
  }
  return spans;
}

}  // namespace tessera
