// Everything that is not a conv or matmul: element-wise ops on the matrix unit, functions on the vector
// unit, pooling reductions, normalisations, layout changes on the reshape engine, MoE routing pieces.
#include <algorithm>
#include <cmath>

#include "sim/mapper/input_regions.h"
#include "sim/mapper/lowering.h"
#include "sim/mapper/op_by_op_rules.h"
#include "sim/mapper/row_major_sram.h"
#include "sim/ops/op_rules.h"

namespace tessera {
namespace {

// Op by op, a data-movement kernel (a permute, a reshape, a tilize, a reshard, a gather) streams its share
// of the pages: the rows of each input in proportion to the output rows it writes. A reordering's bytes
// come from all over the input, but as many of them, and tracing where each came from would tie every
// block to every part of the input.
constexpr int64_t kOpByOpBlockBytes = 64 * 1024;

bool streams_its_share(const MapContext& ctx, const Op& op) {
  return ctx.config.mapper.schedule == Schedule::op_by_op &&
         (op_class(op.type) == OpClass::movement || op.type == OpType::grid_sample || op.type == OpType::cumsum);
}

std::vector<Region> input_regions(const MapContext& ctx, const Op& op, const Region& out) {
  std::vector<Region> regions = needed_input_regions(ctx.graph, op, out);
  // A matrix transpose's rule is exact (output columns are input rows); the proportional regions below
  // would give every core a sliver of columns from all the input rows.
  if (!streams_its_share(ctx, op) || is_matrix_transpose(ctx.graph, op)) return regions;
  const Tensor& y = ctx.graph.output(op);
  const MatrixShape mo = matrix_shape(y);
  for (size_t i = 0; i < op.inputs.size() && i < regions.size(); ++i) {
    const Tensor& x = ctx.graph.input(op, i);
    // Only inputs of about the output's size (a concat's parts sum to it) or larger: a gather's table
    // (the embedding's rows are looked up) and broadcast operands keep their rule.
    const int64_t parts = int64_t(std::max<size_t>(op.inputs.size(), 1));
    if (op.type == OpType::embedding || x.elements() * 2 * parts < y.elements() || mo.rows == 0) continue;
    const MatrixShape mi = matrix_shape(x);
    const int64_t c0 = mo.cols ? mi.cols * out.c0 / mo.cols : 0;
    const int64_t c1 = mo.cols ? std::max(c0 + 1, ceil_div(mi.cols * out.c1, mo.cols)) : mi.cols;
    if (x.elements() > 2 * y.elements()) {
      // A slice (or a strided pick) reads only its part of a larger source: as many bytes as it writes,
      // which a bounding region of the rows it picks from would overstate (a class token's [0:1] of
      // every image spans the whole tensor).
      const int64_t rows = std::max<int64_t>(1, ceil_div(out.elements(), std::max<int64_t>(c1 - c0, 1)));
      const int64_t r0 = std::min(mi.rows - 1, mi.rows * out.r0 / mo.rows);
      regions[i] = Region{r0, std::min(mi.rows, r0 + rows), c0, std::min(c1, mi.cols)};
      continue;
    }
    const int64_t r0 = mi.rows * out.r0 / mo.rows, r1 = std::max(r0 + 1, ceil_div(mi.rows * out.r1, mo.rows));
    regions[i] = Region{r0, std::min(r1, mi.rows), c0, std::min(c1, mi.cols)};
  }
  return regions;
}

// Op by op under tt_metal_cnn, a conv net's residual add runs in place (ttnn.add_, as tt-metal's ResNet-50
// demo writes it): when the core holds all of an input's share itself, in the output's format, and no later
// op reads that input, the sum overwrites it and takes no SRAM of its own.
bool runs_in_place(const MapContext& ctx, int op_index, const std::vector<OperandFetch>& inputs, const Region& out) {
  const Op& op = ctx.graph.ops[size_t(op_index)];
  if (op.type != OpType::add || !op_by_op_rules_apply(ctx.config.mapper, ctx.graph)) return false;
  const DataFormat fo = ctx.format_of(ctx.graph.output(op));
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Tensor& x = ctx.graph.input(op, i);
    const bool last_reader = !x.consumers.empty() && *std::max_element(x.consumers.begin(), x.consumers.end()) == op_index;
    if (last_reader && x.kind == TensorKind::activation && ctx.format_of(x) == fo && inputs[i].bytes == 0 &&
        inputs[i].local_bytes == region_bytes(out, fo) && matrix_shape(x).rows == matrix_shape(ctx.graph.output(op)).rows)
      return true;
  }
  return false;
}

}  // namespace

CoreShare lower_other(MapContext& ctx, int op_index, int core, const Region& out) {
  const Op& op = ctx.graph.ops[op_index];
  const std::vector<Region> need = input_regions(ctx, op, out);
  CoreShare share;
  // Blocks of whole tile rows, about block_tiles tiles each, so that stages overlap and each block starts
  // as soon as the input rows it reads are there.
  const int64_t col_tiles = std::max<int64_t>(ceil_div(out.cols(), kTileDim), 1);
  const int64_t row_tiles = std::max<int64_t>(ceil_div(out.rows(), kTileDim), 1);
  int64_t rows_per_block = std::max<int64_t>(
      1, (int64_t(ctx.config.mapper.block_tiles) >> ctx.decisions.block_shrink(op_index)) / col_tiles);
  // Op by op, an op's share moves in blocks of about kOpByOpBlockBytes (a kernel's circular-buffer
  // pass), not of block_tiles: a core's blocks stay few however large the tensor.
  if (ctx.config.mapper.schedule == Schedule::op_by_op) {
    const int64_t row_bytes = col_tiles * int64_t(tile_bytes(ctx.format_of(ctx.graph.output(op))));
    rows_per_block = std::max(rows_per_block, (kOpByOpBlockBytes >> ctx.decisions.block_shrink(op_index)) / row_bytes);
  }
  // An accumulating reduction takes a few output rows (images) a block, so its input streams through.
  const OpRules& rules = op_rules(op.type);
  const int64_t block_rows = rules.accumulates_rows ? std::max<int64_t>(1, 8 >> ctx.decisions.block_shrink(op_index))
                                                    : rows_per_block * kTileDim;
  // Op by op, a share whose one tile row is wider than a block splits its columns too, so that its
  // buffers fit however wide the tensor (element-wise work only: a row-wise reduction needs whole rows).
  int64_t cols_per_block = col_tiles;
  if (ctx.config.mapper.schedule == Schedule::op_by_op && !needs_whole_rows(ctx.graph, op) && !rules.accumulates_rows) {
    const int64_t tile = int64_t(tile_bytes(ctx.format_of(ctx.graph.output(op))));
    cols_per_block = std::min(col_tiles, std::max<int64_t>(1, (kOpByOpBlockBytes >> ctx.decisions.block_shrink(op_index)) / tile));
  }
  const int64_t col_blocks = ceil_div(col_tiles, cols_per_block);
  const int64_t row_blocks = rules.accumulates_rows ? ceil_div(out.rows(), block_rows) : ceil_div(row_tiles, rows_per_block);
  std::vector<Region> block_regions;
  std::vector<std::vector<Region>> block_needs(op.inputs.size());
  // An accumulating reduction whose block reads more than a block's bytes (a global pool of a large
  // image) takes its input in chunks of rows, summing partials; only the last chunk finishes the output.
  std::vector<std::pair<int64_t, int64_t>> chunk_of;  // per block: (chunk, chunks)
  const int64_t chunk_bytes = kOpByOpBlockBytes >> ctx.decisions.block_shrink(op_index);
  const DataFormat fi = ctx.format_of(ctx.graph.input(op, 0));
  for (int64_t b = 0; b < row_blocks * col_blocks; ++b) {
    const int64_t rb = b / col_blocks, cb = b % col_blocks;
    const Region region{out.r0 + std::min(out.rows(), rb * block_rows), out.r0 + std::min(out.rows(), (rb + 1) * block_rows),
                        out.c0 + std::min(out.cols(), cb * cols_per_block * kTileDim),
                        out.c0 + std::min(out.cols(), (cb + 1) * cols_per_block * kTileDim)};
    const std::vector<Region> n = input_regions(ctx, op, region);
    const int64_t row_bytes = std::max<int64_t>(1, int64_t(region_bytes({0, 1, n[0].c0, n[0].c1}, fi)));
    const int64_t chunks = rules.accumulates_rows
                               ? std::max<int64_t>(1, ceil_div(n[0].rows() * row_bytes, chunk_bytes)) : 1;
    const int64_t rows_per_chunk = ceil_div(n[0].rows(), chunks);
    for (int64_t c = 0; c < chunks; ++c) {
      block_regions.push_back(region);
      chunk_of.push_back({c, chunks});
      for (size_t i = 0; i < n.size(); ++i) {
        Region part = n[i];
        if (i == 0 && chunks > 1)
          part = {n[0].r0 + std::min(n[0].rows(), c * rows_per_chunk), n[0].r0 + std::min(n[0].rows(), (c + 1) * rows_per_chunk),
                  n[0].c0, n[0].c1};
        block_needs[i].push_back(part);
      }
    }
  }
  const int64_t blocks = int64_t(block_regions.size());
  std::vector<OperandFetch> inputs;
  std::vector<std::vector<std::vector<BufferLevel>>> pops;
  // tt-metal's binary readers (binary_ng's reader_interleaved_*_bcast.cpp) ask for a tile of each operand,
  // then wait once for both: the second operand's reads go on a stream of their own, in flight alongside
  // the first's. Every other kernel here reads its inputs one after another.
  const bool reads_operands_together = op_class(op.type) == OpClass::eltwise && op.inputs.size() == 2;
  for (size_t i = 0; i < op.inputs.size(); ++i) {
    const bool own_stream = reads_operands_together && i == 1;
    inputs.push_back(ctx.fetch_resident(op_index, int(i), core, need[i], "in" + std::to_string(i), block_needs[i],
                                        own_stream ? 2 : 0));
    pops.push_back(inputs.back().stream_pops(block_needs[i]));
    ctx.issue_stream_reads(op_index, core, inputs.back(), block_needs[i], own_stream ? 2 : 1);
  }
  const Tensor& y = ctx.graph.output(op);
  const DataFormat fo = ctx.format_of(y);
  // Op by op, a row-major output (a halo's, a reshard's sticks) takes its rows of aligned sticks, not
  // whole tiles: the kernels still count its buffer in tiles, each standing for its share of sticks.
  const bool sticks = ctx.config.mapper.schedule == Schedule::op_by_op && held_as_sticks(y);
  share.out_buffer = ctx.builder.add_buffer(core, "out:" + op.name, op_index, 0,
                                            sticks ? stick_bytes_per_tile(y, out, fo) : tile_bytes(fo));
  const uint64_t tiles = uint64_t(region_tiles(out));
  const uint64_t tiles_per_row = uint64_t(col_tiles);
  share.own_bytes = runs_in_place(ctx, op_index, inputs, out) ? 0
                    : sticks                                  ? stick_region_bytes(y, out, fo)
                                                              : tiles * tile_bytes(fo);

  uint64_t level = 0;
  int64_t finished_rows = out.r0;  // output rows whose tiles have been pushed
  for (int64_t b = 0; b < blocks; ++b) {
    const Region& block = block_regions[size_t(b)];
    const auto [chunk, chunks] = chunk_of[size_t(b)];
    // Tiles this block completes: all of its own, or for an accumulating block the tile rows it closes
    // (with its last chunk).
    const bool closes = chunk + 1 == chunks && (block.r1 == out.r1 || (block.r1 - out.r0) % kTileDim == 0);
    const Region done{finished_rows, block.r1, out.c0, out.c1};
    const uint64_t here = uint64_t(std::max<int64_t>(region_tiles(block), 1));
    const uint64_t completed = !rules.accumulates_rows ? here : closes ? uint64_t(std::max<int64_t>(region_tiles(done), 1)) : 0;
    ComputeCmd cmd;
    cmd.op = op_index;
    cmd.launches_kernel = b == 0;
    for (size_t i = 0; i < inputs.size(); ++i) {
      const auto w = inputs[i].waits_for(block_needs[i][size_t(b)]);
      cmd.waits.insert(cmd.waits.end(), w.begin(), w.end());
      cmd.pops.insert(cmd.pops.end(), pops[i][size_t(b)].begin(), pops[i][size_t(b)].end());
    }
    if (rules.work) rules.work(ctx.graph, op, {ctx.fidelity_of(op), fo, here, tiles_per_row, block.rows(), block}, cmd);
    // A chunk reduces its share of the window.
    if (chunks > 1) cmd.math.window = std::max<uint64_t>(1, ceil_div(int64_t(cmd.math.window), chunks));
    // Each input unpacks its share of this block at its own rate (compressed data at the x1 rate), the
    // parts that landed and the parts the core held already alike.
    const bool moves_only = rules.moves_only && rules.moves_only(ctx.graph, op);
    for (size_t i = 0; i < inputs.size() && !moves_only; ++i) {
      const uint64_t read = inputs[i].bytes + inputs[i].local_bytes;
      const uint64_t share_bytes = read * uint64_t(b + 1) / uint64_t(blocks) - read * uint64_t(b) / uint64_t(blocks);
      cmd.unpack.push_back({share_bytes, inputs[i].compressed || ctx.format_of(ctx.graph.input(op, i)) == DataFormat::bfp2});
    }
    if (!moves_only) cmd.pack_bytes += completed * tile_bytes(fo);
    if (op_class(op.type) == OpClass::vector || op_class(op.type) == OpClass::norm) cmd.vector_tiles = here;
    cmd.out_buffer = share.out_buffer;
    cmd.out_tiles = completed;
    cmd.stream_tiles = here;
    if (completed) {
      level += completed;
      share.pieces.emplace_back(rules.accumulates_rows ? done : block, level);
      finished_rows = block.r1;
    }
    ctx.builder.compute(core, cmd);
  }
  share.out_tiles = level;
  return share;
}

}  // namespace tessera
