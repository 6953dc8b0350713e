#pragma once
// Op by op, how tt-metal's kernel for an op reads its DRAM inputs: how many pages it asks for before it
// waits for them to land (a read barrier), and the page when it is not the tensor's own (a tile, or a
// row-major tensor's row). The chip charges each page its RISC-V issue time and each barrier a round trip.
// A row-major permute that moves the last dimension reads blocks of up to 32 row pieces per barrier.
// Not modelled: the HC transpose's reads of single face rows (64 per tile), whose per-call cost is far
// below the interleaved page reader's (charging each the same overshoots the profiles' transposes 3x).
#include <cstdint>

#include "sim/workload/graph.h"

namespace tessera {

// pages_per_barrier for a kernel that waits once per read it makes, however many pages it holds.
constexpr uint32_t kBarrierPerRead = 0xffffffffu;

struct KernelReads {
  uint32_t pages_per_barrier = 0;  // 0: one barrier per read command (a block)
  uint32_t page_bytes = 0;         // 0: the tensor's page
};

// in_format: the format of the op's first input as the mapper stores it.
KernelReads kernel_reads(const Graph& g, const Op& op, DataFormat in_format);

}  // namespace tessera
