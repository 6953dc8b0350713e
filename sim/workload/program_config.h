#pragma once
// An op's program config as tt-metal chose it (trace version 2, docs/trace-format.md "Program configs"):
// the conv block config, the matmul program config, the groupnorm grid. 0 or "" means the trace did not
// say; the mapper then chooses.
#include <cstdint>
#include <string>

namespace tessera {

struct ProgramConfig {
  bool present = false;
  // conv2d: the activation block (rows x K tiles), the output subblock, the weight block width, and the
  // sharding of the output ("height", "width" or "block").
  int64_t act_block_h_tiles = 0, act_block_w_tiles = 0;
  int64_t out_subblock_h_tiles = 0, out_subblock_w_tiles = 0;
  int64_t weights_block_w_tiles = 0;
  std::string shard_layout;
  // conv2d: the activation buffer holds two blocks, so the reader gathers the next while compute multiplies.
  bool act_double_buffer = false;
  // matmul: the kind ("1d_mcast_in0", "1d_mcast_in1", "2d_mcast", "dram_sharded", "minimal", "default"),
  // the K tiles per block, the per-core output tiles, the output subblock, and the minimal matmul's blocks.
  std::string kind;
  int64_t in0_block_w = 0, per_core_m = 0, per_core_n = 0, out_subblock_h = 0, out_subblock_w = 0;
  int64_t m_block = 0, n_block = 0;
  // groupnorm: output blocks per core.
  int64_t num_out_blocks = 0;
  // Every kind: the compute grid [x, y].
  int grid_x = 0, grid_y = 0;
};

}  // namespace tessera
