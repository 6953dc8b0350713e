#pragma once
// Op by op under `mapper.op_by_op_rules=tt_metal_cnn`, the programs ttnn's conv2d runs that a model's graph
// does not show: before every conv it runs as a sliding window (not a 1x1 stride-1 unpadded matmul) a halo
// program, which gathers each core's input shard with the window's edge rows from its neighbours and the
// padding into a new row-major shard (untilizing a tiled input on the way); the conv then reads only that
// shard, on its own core, and pads nothing. Only convs whose sharding the rule chose get one: a profiled
// conv's trace already shows the programs that ran. For a trace of the model tt-metal's YOLOv6-L demo ports
// (yolov6l_demo.h) also what the demo's code runs: the hand-on copies, untilizes, clones and head programs,
// the copies where two memory configs differ (demo_memory_config.h: a conv's input not held as its input
// shards, a BottleRep's or BiFusion's operands) and the move of a halo's output for the convs that
// deallocate their input. Sources: docs/mapping.md, "Programs ttnn runs between convs".
#include <vector>

#include "sim/workload/graph.h"

namespace tessera {

// The graph the mapper lowers, and for each of its ops the index of the source op it is (-1 for an op this
// pass inserted).
struct LoweredGraph {
  Graph graph;
  std::vector<int> source_op;
};

// The compute grid the programs run on (the chip's compute_width x compute_height).
struct ComputeGrid {
  int x = 1, y = 1;
};

// `ruled` is apply_tt_metal_conv_rules's result; the ops stay in order, each halo right before its conv.
LoweredGraph insert_tt_metal_programs(const Graph& ruled, const ComputeGrid& grid);

// Whether op `op_index` is a copy this pass inserted to a conv's input shards (its program names their layout
// and grid: it is split as they are).
bool is_inserted_shard_copy(const Graph& lowered, int op_index);

// Whether op `op_index` is a move this pass inserted of a halo's output (split as that halo is).
bool is_inserted_halo_move(const Graph& lowered, int op_index);

// Whether op `op_index` is a halo this pass inserted for the conv that reads its output.
bool is_inserted_halo(const Graph& lowered, int op_index);

}  // namespace tessera
