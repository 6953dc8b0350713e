#pragma once
// Op by op, how tt-metal's writer kernel for an op writes its DRAM output: how many pages it writes
// before it waits for their acknowledgements (a write barrier, SendCmd::pages_per_barrier). The chip
// charges each page its RISC-V issue time and each barrier a write round trip (out, into DRAM, and the
// acknowledgement back).
#include <cstdint>

#include "sim/workload/graph.h"

namespace tessera {

// Pages per write barrier of `op`'s DRAM writes; 0: the writes stream (no barrier modelled).
uint32_t kernel_write_pages_per_barrier(const Graph& g, const Op& op);

}  // namespace tessera
