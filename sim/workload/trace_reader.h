#pragma once
// Reads and validates a workload trace (docs/trace-format.md). Every problem throws InputError naming the
// file, the JSON path and, for ops, the op's name.
#include <string>

#include "sim/workload/graph.h"

namespace tessera {

constexpr int kTraceVersion = 1;

Graph read_trace(const std::string& path);
Graph parse_trace(const nlohmann::json& trace, const std::string& label);

}  // namespace tessera
