#pragma once
// Layout changes between SRAM and the NoC: transpose, flatten, tilize/untilize and im2col gathers.
// With a reshape engine they stream at the engine's rate, concurrently with compute. Without one the core
// does them itself with its L1 mover and data-movement RISC-V cores (costs in docs/core.md, "Reshapes").
#include <cstdint>
#include <string>

#include "sim/base/data_format.h"
#include "packet_manager/packet_manager_config.h"
#include "sim/program/work.h"

namespace tessera {

// Cycles for the packet manager's reshape engine to produce `bytes` of reshaped data.
uint64_t reshape_engine_cycles(const PacketManagerConfig& config, ReshapeKind kind, uint64_t bytes);

// Cycles for the reshape engine to do one block's work: the layout change at the engine's rate, and a
// compressed input decompressed on the way at the decompressor's rate, the two streaming together.
uint64_t reshape_engine_cycles(const PacketManagerConfig& config, const ReshapeWork& work);

// (Without a reshape engine the core does the same work itself: core/compute_costs.h,
// reshape_on_core_cycles. Moves of contiguous runs go through the L1 mover; a transpose scatters single
// datums, so a data-movement RISC-V core stores it word by word.)

// Bytes the im2col gather writes for one conv's patch matrix: `patch_rows` output pixels, each a row of
// kernel_h x kernel_w x channels_per_group datums, for each of `groups` groups. With pad_to_tiles the
// matrix is stored as tiles (rows and columns rounded up to 32 per group), as the matmul reads it.
uint64_t im2col_gather_bytes(uint64_t patch_rows, uint32_t kernel_h, uint32_t kernel_w, uint32_t channels_per_group,
                             uint32_t groups, DataFormat format, bool pad_to_tiles = true);

}  // namespace tessera
