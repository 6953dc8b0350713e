#pragma once
// Lowerings: each turns one op's share on one core (an output region) into buffers, transfers and
// compute blocks. Matrix ops (conv, matmul) in lower_matrix.cpp, everything else in lower_other.cpp.
#include "sim/mapper/conv_algorithm.h"
#include "sim/mapper/map_context.h"
#include "sim/program/plan.h"

namespace tessera {

// What a lowering reports back to the mapper for the op plan.
struct CoreShare {
  int out_buffer = -1;
  uint64_t out_tiles = 0;
  // Parts of the output in the order they are finished, with the out_buffer level at which each is there.
  std::vector<std::pair<Region, uint64_t>> pieces;
  int64_t macs = 0;           // multiply-accumulates executed on this core
  uint64_t weight_bytes = 0;  // read from DRAM for weights
  uint64_t own_bytes = 0;     // SRAM for the op's own buffers (output, streamed chunks), beyond its inputs
  std::string conv_algorithm;
  std::string note;
  double estimated_cycles = 0; // the slowest pipeline stage's total, for choices
  bool fits = true;            // the working set fits the core's SRAM
  bool whole_output = false;   // the output stays whole in SRAM until written back (never a bounded buffer)
  int written_token = -1;      // op by op: the buffer that counts the core's output pieces landed in DRAM
};

// `algorithm` matters for convs only. With `emit` false nothing is added to the plan: the returned share
// only carries the estimate, for choosing an algorithm.
CoreShare lower_matrix(MapContext& ctx, int op_index, int core, const Region& out, ConvAlgorithm algorithm,
                       bool emit = true);
CoreShare lower_other(MapContext& ctx, int op_index, int core, const Region& out);

// Op by op, a matmul with tt-metal's minimal program config: its blocks pass along the grid's rows and
// columns core to core (lower_chained_matmul.cpp). Returns every core of the op's grid with its share.
bool runs_as_chained_matmul(const MapContext& ctx, const Op& op);
std::vector<std::pair<int, CoreShare>> lower_chained_matmul(MapContext& ctx, int op_index);

// Op by op, a matmul with tt-metal's 1-D multicast-in0 program: the cores split the columns and loop over
// batches, the in1 reader waiting for each output block's writes (lower_mcast_matmul.cpp).
bool runs_as_mcast_matmul(const MapContext& ctx, const Op& op);
std::vector<std::pair<int, CoreShare>> lower_mcast_matmul(MapContext& ctx, int op_index);

// Op by op, a block-sharded conv2d: each core keeps its own activation shard (its pixel rows, its channels);
// activation blocks are multicast along the pixel-row groups and weight blocks down the channel groups
// (lower_block_sharded_conv.cpp). Returns every core of the grid with its share, and the grid's shape.
bool runs_as_block_sharded_conv(const MapContext& ctx, const Op& op);
std::vector<std::pair<int, CoreShare>> lower_block_sharded_conv(MapContext& ctx, int op_index, int& grid_rows,
                                                                int& grid_cols);

// Cycles per output tile an op costs on one core, for choosing partitions (matrix ops: per 32x32 output
// tile over the whole reduction).
double estimate_tile_cycles(const MapContext& ctx, const Op& op);

}  // namespace tessera
