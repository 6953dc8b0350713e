#pragma once
// Reads and validates a workload trace (docs/trace-format.md). Every problem throws InputError naming the
// file, the JSON path and, for ops, the op's name.
#include <cstdint>
#include <string>

#include "sim/workload/graph.h"

namespace tessera {

constexpr int kTraceVersion = 2;     // the newest version this reader knows
constexpr int kOldestTraceVersion = 1;
// The largest tensor a trace may declare, in elements: 8 GiB in bf16, beyond any single tensor a real
// workload moves, and small enough that element counts, byte counts and MACs stay far inside 64 bits.
constexpr int64_t kMaxTensorElements = int64_t(1) << 32;
constexpr size_t kMaxRank = 8;

Graph read_trace(const std::string& path);
Graph parse_trace(const nlohmann::json& trace, const std::string& label);

}  // namespace tessera
