#pragma once
// When each op ran and how busy its engines were, from the activities the engines recorded: the one
// definition the report, the CSVs and the energy split all use.
#include <array>
#include <cstdint>
#include <vector>

#include "sim/program/chip_services.h"

namespace tessera {

struct OpSpan {
  // First to last cycle of the op's compute and sends. In the fused schedule reads (DMA in, DRAM) are
  // left out: they prefetch the op's data while the op before still runs. Op by op nothing is fetched
  // ahead, and the span is the program's device time: its first read to its last write, as tt-metal's
  // profiler measures a kernel.
  uint64_t start = UINT64_MAX;
  uint64_t end = 0;
  std::array<uint64_t, kEngineCount> busy{};  // per Engine: cycles of the op's spans summed over units

  bool ran() const { return start != UINT64_MAX && end > start; }
  uint64_t cycles() const { return ran() ? end - start : 0; }
  uint64_t busy_of(Engine e) const { return busy[size_t(e)]; }
};

// One span per op of the Plan (`ops` of them); activities of other ops are ignored.
std::vector<OpSpan> op_spans(const std::vector<Activity>& activities, size_t ops, bool reads_in_span = false);

}  // namespace tessera
