#pragma once
// The memory config ttnn gives a sharded conv's input and output, from the cores and layout the conv rule chose
// (conv_sharding.h): what tt-metal's model code compares (`a.memory_config() != b.memory_config()`) and what
// ttnn's conv2d with `reshard_if_not_optimal` compares its input against before it reshards it. A tensor held
// L1 interleaved has no shard config. Sources: docs/mapping.md, "Programs ttnn runs between convs".
#include <cstdint>
#include <optional>

#include "sim/mapper/conv_sharding.h"

namespace tessera {

// A sharded tensor's layout, its grid (cores along the rows and along the channels) and its shard shape.
struct ShardConfig {
  MemoryLayout layout = MemoryLayout::height_sharded;
  int cores_nhw = 1, cores_c = 1;
  int64_t shard_rows = 0, shard_cols = 0;
  bool operator==(const ShardConfig& o) const {
    return layout == o.layout && cores_nhw == o.cores_nhw && cores_c == o.cores_c && shard_rows == o.shard_rows &&
           shard_cols == o.shard_cols;
  }
  bool operator!=(const ShardConfig& o) const { return !(*this == o); }
};

// The shards of `rows` x `channels` split as the conv's parallel config splits its activations: the rows
// padded to a tile row per core over cores_nhw, the channels padded to whole tiles (over cores_c when block
// sharded), as ttnn's conv2d sizes its input and output shards.
ShardConfig conv_shard_config(const ConvParallelConfig& p, int64_t rows, int64_t channels);

// The conv's input (N*H*W of its input image by its input channels) and output (N*Ho*Wo by its output channels).
ShardConfig conv_input_config(const ConvGeometry& c, const ConvParallelConfig& p);
ShardConfig conv_output_config(const ConvGeometry& c, const ConvParallelConfig& p);

// Whether a tensor held as `have` (nullopt: L1 interleaved) must be copied to be held as `want`.
bool needs_copy(const std::optional<ShardConfig>& have, const std::optional<ShardConfig>& want);

}  // namespace tessera
