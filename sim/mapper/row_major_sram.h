#pragma once
// SRAM a row-major tensor takes in L1. tt-metal allocates a row-major shard as sticks (one row of the
// matrix, a pixel's channels), each stick padded to the L1 alignment, not as 32x32 tiles: a 3-channel
// image shard of 24,576 pixels stored 8 channels wide takes 24,576 x 16 B, not 768 tiles of 2 KiB.
#include <cstdint>

#include "sim/base/data_format.h"
#include "sim/workload/graph.h"
#include "sim/workload/matrix_view.h"

namespace tessera {

// tt-metal's L1 alignment (hal.get_alignment(HalMemType::L1)): the larger of the NoC's L1 read and write
// alignments, 16 B on Wormhole and on Blackhole (tt_metal/hw/inc/{wormhole,blackhole}/noc/noc_parameters.h).
constexpr uint64_t kL1AlignmentBytes = 16;

// Whether the op's buffer for this tensor holds sticks rather than tiles (the trace's layout field).
inline bool held_as_sticks(const Tensor& t) { return t.layout == TensorLayout::row_major; }

// Bytes of one stick of a region as L1 stores it: the region's columns, or, when it spans every column,
// the device's padded row (the trace's device shape: a 3-channel image stored 8 channels wide), rounded
// up to the L1 alignment.
uint64_t stick_bytes(const Tensor& t, const Region& r, DataFormat f);

// SRAM a region of a row-major tensor takes: its rows, one aligned stick each.
uint64_t stick_region_bytes(const Tensor& t, const Region& r, DataFormat f);

// What one tile of a buffer counting such a region in 32x32 tiles stands for in SRAM: 32 sticks spread
// over the region's column tiles (rounded up), so that a level of n tiles is about n of these bytes.
uint32_t stick_bytes_per_tile(const Tensor& t, const Region& r, DataFormat f);

}  // namespace tessera
