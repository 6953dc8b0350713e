#pragma once
// Where each shard of an L1-sharded tensor lives: its region of the tensor's matrix and the core that holds
// it, from the memory config's shard grid, layout and orientation as tt-metal places shards. Both the
// inputs a profile leaves in L1 (sharded_inputs) and a sharded op's output blocks (the conv's split) use it,
// so an op finds its input shard on its own core.
#include <vector>

#include "sim/workload/matrix_view.h"
#include "sim/workload/memory_config.h"

namespace tessera {

struct Shard {
  int core = 0;  // y * compute_width + x of the logical compute grid
  Region region;
};

// The shards of `t` under `m`, in the shard orientation's order. Height and width shards go to the shard
// grid's cores in order (row-major: each range's rows one after another; column-major: its columns); block
// shard (r, c) goes to (x0 + c, y0 + r) row-major, (x0 + r, y0 + c) column-major. Without a shard grid, the
// first cores of the compute grid (height, width) or the rectangle at (0, 0) (block). Empty when the memory
// config has no 2-D shard shape or a shard's core lies outside the compute grid.
std::vector<Shard> tensor_shards(const Tensor& t, const MemoryConfig& m, int compute_width, int compute_height);

}  // namespace tessera
