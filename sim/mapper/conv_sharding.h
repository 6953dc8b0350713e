#pragma once
// How ttnn's conv2d shards a conv it is given no sharding for: the shard layout (height, block or width),
// the core grid and the per-core block config, from the conv's shape and the compute grid alone. These are
// the facts of ttnn's auto-sharding (docs/mapping.md, "Conv sharding op by op", with the sources); the op-by-op
// rule pass (tt_metal_conv_rules) writes them into the ops of a graph that does not carry them, as
// scripts/ttperf2trace.py writes them for a profiled run.
#include <cstdint>
#include <utility>
#include <vector>

#include "sim/workload/matrix_view.h"

#include "sim/workload/memory_config.h"
#include "sim/workload/op_shapes.h"
#include "sim/workload/program_config.h"

namespace tessera {

struct ConvParallelConfig {
  MemoryLayout layout = MemoryLayout::height_sharded;
  int cores_nhw = 1;  // shards along the output pixels (rows of the [N*H*W, C] matrix)
  int cores_c = 1;    // shards along the channels
  // The grid's extent: a block-sharded conv uses the rectangle cores_c x cores_nhw at (0,0); height and width
  // sharded ones the first `cores()` cores of the compute grid, row by row.
  int grid_x = 1, grid_y = 1;
  int cores() const { return cores_nhw * cores_c; }
  // act_block_h/w, out_subblock_h/w, weights_block_w (in tiles) and shard_layout, as ttnn derives them.
  ProgramConfig block;
};

// ttnn's 1x1 stride-1 unpadded ungrouped conv, which it runs as a matmul (no halo, no channel padding).
bool conv_is_matmul(const ConvGeometry& c);

// The cores one layout gets (ttnn's determine_parallel_config), for a compute grid of grid_x x grid_y.
ConvParallelConfig conv_parallel_config(const ConvGeometry& c, MemoryLayout layout, int grid_x, int grid_y);

// The layout ttnn picks when the model names none (select_shard_spec), with its cores and block config.
ConvParallelConfig choose_conv_parallel_config(const ConvGeometry& c, int grid_x, int grid_y);

// The output split as a sharded conv's shards are, for a program naming its shard_layout: height, the rows
// over `cores` cores; width, the columns; block, rows over grid_y and columns over grid_x, core (x, y) of the
// rectangle at index y * compute_width + x. Each block is (core index, region). Empty when the program names
// no layout or its grid does not fit `cores` (the mapper then partitions as it would).
struct ShardedSplit {
  int rows = 1, cols = 1;
  std::vector<std::pair<int, Region>> blocks;
};
ShardedSplit sharded_split(MatrixShape out, const ProgramConfig& program, int cores, int compute_width,
                           int compute_height);
// The split of an output whose memory config the trace gives as L1 shards: each shard's region on the core
// that holds it (shard_layout.h), so the next op finds its shard where tt-metal put it. Empty otherwise.
ShardedSplit sharded_split(const Tensor& out, int compute_width, int compute_height);

// ttnn's divisor searches, exposed for the tests: the largest d <= start dividing n (and m), and the largest
// d <= start whose padding of n up to a multiple of d is less than one share (n rounded up over d).
int64_t largest_divisor(int64_t n, int64_t start);
int64_t largest_divisor(int64_t n, int64_t m, int64_t start);
int64_t largest_divisor_with_padding(int64_t n, int64_t start);
int64_t largest_divisor_with_padding(int64_t n, int64_t m, int64_t start);

}  // namespace tessera
