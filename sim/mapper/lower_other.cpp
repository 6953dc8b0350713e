// Everything that is not a conv or matmul: element-wise ops on the matrix unit, functions on the vector
// unit, pooling reductions, normalisations, layout changes on the reshape engine, MoE routing pieces.
#include <algorithm>
#include <cmath>

#include "sim/mapper/input_regions.h"
#include "sim/mapper/lowering.h"
#include "sim/ops/op_rules.h"

namespace tessera {

CoreShare lower_other(MapContext& ctx, int op_index, int core, const Region& out) {
  const Op& op = ctx.graph.ops[op_index];
  const std::vector<Region> need = needed_input_regions(ctx.graph, op, out);
  CoreShare share;
  // Blocks of whole tile rows, about block_tiles tiles each, so that stages overlap and each block starts
  // as soon as the input rows it reads are there.
  const int64_t col_tiles = std::max<int64_t>(ceil_div(out.cols(), kTileDim), 1);
  const int64_t row_tiles = std::max<int64_t>(ceil_div(out.rows(), kTileDim), 1);
  const int64_t rows_per_block = std::max<int64_t>(
      1, (int64_t(ctx.config.mapper.block_tiles) >> ctx.decisions.block_shrink(op_index)) / col_tiles);
  const int64_t blocks = ceil_div(row_tiles, rows_per_block);
  std::vector<Region> block_regions;
  std::vector<std::vector<Region>> block_needs(op.inputs.size());
  for (int64_t b = 0; b < blocks; ++b) {
    block_regions.push_back({out.r0 + std::min(out.rows(), b * rows_per_block * kTileDim),
                             out.r0 + std::min(out.rows(), (b + 1) * rows_per_block * kTileDim), out.c0, out.c1});
    const std::vector<Region> n = needed_input_regions(ctx.graph, op, block_regions.back());
    for (size_t i = 0; i < n.size(); ++i) block_needs[i].push_back(n[i]);
  }
  std::vector<OperandFetch> inputs;
  std::vector<std::vector<std::vector<BufferLevel>>> pops;
  for (size_t i = 0; i < op.inputs.size(); ++i) {
    inputs.push_back(ctx.fetch_resident(op_index, int(i), core, need[i], "in" + std::to_string(i), block_needs[i]));
    pops.push_back(inputs.back().stream_pops(block_needs[i]));
    ctx.issue_stream_reads(op_index, core, inputs.back(), block_needs[i]);
  }
  const DataFormat fo = ctx.format_of(ctx.graph.output(op));
  share.out_buffer = ctx.builder.add_buffer(core, "out:" + op.name, op_index, 0, tile_bytes(fo));
  const uint64_t tiles = uint64_t(region_tiles(out));
  const uint64_t tiles_per_row = uint64_t(col_tiles);
  share.own_bytes = tiles * tile_bytes(fo);

  uint64_t level = 0;
  for (int64_t b = 0; b < blocks; ++b) {
    const Region& block = block_regions[size_t(b)];
    const uint64_t here = uint64_t(std::max<int64_t>(region_tiles(block), 1));
    ComputeCmd cmd;
    cmd.op = op_index;
    cmd.launches_kernel = b == 0;
    for (size_t i = 0; i < inputs.size(); ++i) {
      const auto w = inputs[i].waits_for(block_needs[i][size_t(b)]);
      cmd.waits.insert(cmd.waits.end(), w.begin(), w.end());
      cmd.pops.insert(cmd.pops.end(), pops[i][size_t(b)].begin(), pops[i][size_t(b)].end());
    }
    const OpRules& rules = op_rules(op.type);
    if (rules.work) rules.work(ctx.graph, op, {ctx.fidelity_of(op), fo, here, tiles_per_row}, cmd);
    // Each input unpacks its share of this block at its own rate (compressed data at the x1 rate).
    for (size_t i = 0; i < inputs.size(); ++i) {
      const uint64_t share_bytes = inputs[i].bytes * uint64_t(b + 1) / uint64_t(blocks) - inputs[i].bytes * uint64_t(b) / uint64_t(blocks);
      cmd.unpack.push_back({share_bytes, inputs[i].compressed || ctx.format_of(ctx.graph.input(op, i)) == DataFormat::bfp2});
    }
    cmd.pack_bytes = here * tile_bytes(fo);
    if (op_class(op.type) == OpClass::vector || op_class(op.type) == OpClass::norm) cmd.vector_tiles = here;
    cmd.out_buffer = share.out_buffer;
    cmd.out_tiles = here;
    cmd.stream_tiles = here;
    level += here;
    share.pieces.emplace_back(block, level);
    ctx.builder.compute(core, cmd);
  }
  share.out_tiles = level;
  return share;
}

}  // namespace tessera
