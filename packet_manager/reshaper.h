#pragma once
// Layout changes between SRAM and the NoC: transpose, flatten, tilize/untilize and im2col gathers.
// With a reshape engine they stream at the engine's rate, concurrently with compute. Without one the core
// does them itself with its L1 mover and data-movement RISC-V cores (costs in docs/core.md, "Reshapes").
#include <cstdint>
#include <string>

#include "core/core_config.h"
#include "sim/base/data_format.h"
#include "packet_manager/packet_manager_config.h"

namespace tessera {

enum class ReshapeKind { transpose, flatten, tilize, untilize, im2col };

const char* to_string(ReshapeKind kind);

// Cycles for the packet manager's reshape engine to produce `bytes` of reshaped data.
uint64_t reshape_engine_cycles(const PacketManagerConfig& config, ReshapeKind kind, uint64_t bytes);

// Cycles for the core to do the same work itself. Moves of contiguous runs (flatten, tilize, untilize and
// im2col, whose patch rows are runs of channels) go through the L1 mover; a transpose scatters single
// datums, so a data-movement RISC-V core stores it word by word.
uint64_t reshape_on_core_cycles(const CoreConfig& config, ReshapeKind kind, uint64_t bytes);

// Bytes the im2col gather writes for one conv's patch matrix: `patch_rows` output pixels, each a row of
// kernel_h x kernel_w x channels_per_group datums, for each of `groups` groups. With pad_to_tiles the
// matrix is stored as tiles (rows and columns rounded up to 32 per group), as the matmul reads it.
uint64_t im2col_gather_bytes(uint64_t patch_rows, uint32_t kernel_h, uint32_t kernel_w, uint32_t channels_per_group,
                             uint32_t groups, DataFormat format, bool pad_to_tiles = true);

}  // namespace tessera
