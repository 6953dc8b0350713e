#pragma once
// Format conversion between the float formats (fp32, bf16, fp16) and the block-float formats (bfp8/4/2):
// what the data weighs afterwards and what the conversion costs.
//
// Packers convert for free while they pack (the result simply has the output format's size), so a
// conversion fused into an op's pack costs nothing extra. A standalone conversion streams every tile
// through an unpacker and a packer; the two run concurrently, so the slower of the two sets the pace.
#include <cstdint>

#include "core/core_config.h"
#include "sim/base/data_format.h"

namespace tessera {

// Bytes of `tiles` tiles in format `to`.
uint64_t converted_tile_bytes(DataFormat to, uint64_t tiles);
// Bytes of data that weighs `bytes` in format `from`, once converted to `to` (rounded up).
uint64_t converted_bytes(DataFormat from, DataFormat to, uint64_t bytes);

// Cycles a core spends converting `tiles` tiles from `from` to `to` with its unpacker and packer: one tile of
// pipeline fill at the faster stage, then the slower stage's rate. bfp2 unpacks at the x1 rate.
uint64_t core_conversion_cycles(const CoreConfig& core, DataFormat from, DataFormat to, uint64_t tiles);

// Cycles for an engine that converts at `bytes_per_cycle`, limited by the larger of its input and output.
uint64_t engine_conversion_cycles(DataFormat from, DataFormat to, uint64_t input_bytes, uint32_t bytes_per_cycle);

}  // namespace tessera
