// Op by op, a block-sharded conv2d runs as tt-metal's block-sharded conv program does
// (reader_conv_activations_2d_mcast_padded_with_halo_3x3_weights_v2.cpp with the
// writer_tiled_out_2d_mcast_{sender,receiver}_conv_weights_tiled_col_to_rm_blocks.cpp writers, in
// ttnn/cpp/ttnn/operations/conv/conv2d/device/kernels). The cores form a grid of pixel-row groups by
// channel groups: a core holds the halo'd input of its output rows over its own channel slice only, and
// computes its output rows over its own output-channel slice.
//
// Per activation block (act_block_h tile rows) and kernel row (when a K block is one kernel row of the
// core's channels, kw x C/cores_c values):
// - every core gathers its own block from its shard (one read per pixel) and tilizes it;
// - round robin over the channel group, each core in turn multicasts its tilized block to every core of
//   its pixel-row group (itself included, a loopback copy); a sender starts once the receivers have room,
//   i.e. once they have multiplied the block before (the activation buffer holds one block), which is
//   when the sender has (the group runs in step);
// - the first core of each channel group reads the matching weight block (that K block's rows, the group's
//   output channels) from DRAM and multicasts it down its channel group, once every receiver's weight
//   buffer has room for it (the receivers' semaphore increments), again for every activation block;
// - every core multiplies the block it received by the weight block, the partial sums going through SRAM
//   between K blocks (`spill` whenever there are several, conv_bmm_tilize_col_major_out_blocks.cpp).
// The output stays in each core's L1 shard.
#include <algorithm>
#include <map>
#include <set>

#include "sim/mapper/conv_sharding.h"
#include "sim/mapper/input_regions.h"
#include "sim/mapper/lowering.h"
#include "sim/mapper/tt_metal_conv_rules.h"
#include "sim/workload/op_shapes.h"

namespace tessera {
namespace {

// The output blocks of the conv's cores, as its output's shards lie (or as its program splits it).
ShardedSplit output_blocks(const MapContext& ctx, const Op& op) {
  const Tensor& y = ctx.graph.output(op);
  const int w = ctx.config.chip.compute_width, h = ctx.config.chip.compute_height;
  ShardedSplit split = sharded_split(y, w, h);
  if (split.blocks.empty()) {
    const int cores = op.cores > 0 ? std::min(op.cores, ctx.core_count) : ctx.core_count;
    split = sharded_split(matrix_shape(y), op.program, cores, w, h);
  }
  return split;
}

}  // namespace

bool runs_as_block_sharded_conv(const MapContext& ctx, const Op& op) {
  if (ctx.config.mapper.schedule != Schedule::op_by_op || op.type != OpType::conv2d || !op.program.present ||
      op.program.shard_layout != "block" || op.program.act_block_w_tiles <= 0)
    return false;
  const ConvGeometry c = conv_geometry(ctx.graph, op);
  // A 1x1 stride-1 unpadded conv is a matmul to ttnn (its 2-D multicast program, no gather or tilize).
  if (c.groups != 1 || c.transposed || conv_is_matmul(c)) return false;
  // A grouped conv run dense (its weight zero outside each group) keeps the all-channel lowering: with
  // this one, EfficientNet-B0 op by op overflows SRAM at a later op (not understood yet).
  if (op.metadata.contains("dense_groups")) return false;
  const ShardedSplit split = output_blocks(ctx, op);
  // A grid of pixel-row groups by channel groups, every group full.
  return split.rows > 1 && split.cols > 1 && int(split.blocks.size()) == split.rows * split.cols;
}

std::vector<std::pair<int, CoreShare>> lower_block_sharded_conv(MapContext& ctx, int op_index, int& grid_rows,
                                                                int& grid_cols) {
  const Op& op = ctx.graph.ops[size_t(op_index)];
  const Tensor& a = ctx.graph.input(op, 0);
  const Tensor& w = ctx.graph.input(op, 1);
  const Tensor& y = ctx.graph.output(op);
  const ConvGeometry c = conv_geometry(ctx.graph, op);
  const ProgramConfig& pc = op.program;
  const ShardedSplit split = output_blocks(ctx, op);

  // Pixel-row groups share activation blocks; channel groups share weight blocks.
  std::set<int64_t> row_starts, col_starts;
  for (const auto& b : split.blocks) {
    row_starts.insert(b.second.r0);
    col_starts.insert(b.second.c0);
  }
  const std::vector<int64_t> rows(row_starts.begin(), row_starts.end()), cols(col_starts.begin(), col_starts.end());
  const int n_rows = int(rows.size()), n_cols = int(cols.size());
  grid_rows = n_rows;
  grid_cols = n_cols;
  struct CoreState {
    int core = -1, row = 0, col = 0;
    Region out;
    Region in_need;
    OperandFetch in;
    int tilized = -1, act = -1, weight = -1, token = -1, out_buf = -1, bias = -1;
    uint64_t tilized_level = 0, act_level = 0, weight_level = 0, token_level = 0, out_level = 0, bias_tiles = 0;
    CoreShare share;
    std::vector<Region> needs;  // what of the input each compute command reads
    std::vector<ComputeCmd> cmds;
  };
  std::vector<CoreState> cores(split.blocks.size());
  std::map<std::pair<int, int>, size_t> at;  // (row group, channel group) -> core state
  for (size_t i = 0; i < split.blocks.size(); ++i) {
    CoreState& s = cores[i];
    s.core = split.blocks[i].first;
    s.out = split.blocks[i].second;
    s.row = int(std::lower_bound(rows.begin(), rows.end(), s.out.r0) - rows.begin());
    s.col = int(std::lower_bound(cols.begin(), cols.end(), s.out.c0) - cols.begin());
    at[{s.row, s.col}] = i;
  }

  const DataFormat fa = ctx.format_of(a), fw = ctx.format_of(w), fo = ctx.format_of(y);
  const uint32_t ta = tile_bytes(fa), tw = tile_bytes(fw), to = tile_bytes(fo);
  const Fidelity fid = ctx.fidelity_of(op);
  // A core's input channels: its slice of the channels padded to whole tiles per channel group.
  const int64_t in_slice = ceil_div(ceil_div(c.c, int64_t(n_cols)), kTileDim) * kTileDim;
  // The K block is one kernel row of the slice (window_outer = kh) unless it spans the whole window.
  const int64_t kb = pc.act_block_w_tiles;
  const int64_t window_outer = kb * kTileDim >= in_slice * c.kh * c.kw ? 1 : c.kh;
  const int64_t k_blocks = window_outer * n_cols;
  const int64_t block_h = std::max<int64_t>(1, pc.act_block_h_tiles);
  // Gather reads per pixel of a block: one per kernel row of it (its kw taps adjacent in the sticks), one
  // per tap when the window is dilated.
  const int64_t rows_of_kernel = window_outer == 1 ? c.kh : 1;
  const uint64_t reads_per_pixel = uint64_t(c.dw == 1 ? rows_of_kernel : rows_of_kernel * c.kw);
  const std::string fused_act = fused_conv_activation(ctx.config.mapper, ctx.graph, op_index);
  const uint64_t act_lane_ops_per_tile = fused_act.empty() ? 0 : ctx.costs.vector_cycles(fused_act, 1) * 32;
  const int64_t act_buffers = pc.act_double_buffer ? 2 : 1;

  int64_t m_blocks = 0;
  for (CoreState& s : cores) {
    const int64_t n_t = ceil_div(s.out.cols(), kTileDim);
    const uint64_t act_tiles = uint64_t(block_h * kb), w_tiles = uint64_t(kb * n_t);
    s.tilized = ctx.builder.add_buffer(s.core, "tilized:" + op.name, op_index, 0, ta);
    s.act = ctx.builder.add_buffer(s.core, "act:" + op.name, op_index, 0, ta);
    // The weight buffer holds one block: the next multicast waits until this core has used it.
    s.weight = ctx.builder.add_buffer(s.core, "weight:" + op.name, op_index, w_tiles, tw);
    s.token = ctx.builder.add_buffer(s.core, "act-used:" + op.name, op_index, 0, 1);
    s.out_buf = ctx.builder.add_buffer(s.core, "out:" + op.name, op_index, 0, to);
    s.share.out_buffer = s.out_buf;
    s.share.conv_algorithm = "sliding_window";
    // The input this core gathers from: its output rows' window over its own channel slice.
    const Region all = needed_input_regions(ctx.graph, op, s.out)[0];
    s.in_need = all.intersect({all.r0, all.r1, s.col * in_slice, std::min<int64_t>(c.c, (s.col + 1) * in_slice)});
    s.in = ctx.fetch_resident(op_index, 0, s.core, s.in_need, "in0", {s.in_need});
    // Its own buffers (circular buffers of the program): the row-major block and its tilized copy, the
    // received block, the weight block, the partial sums, and the whole output shard.
    const uint64_t m_t = uint64_t(ceil_div(s.out.rows(), kTileDim));
    s.share.own_bytes = uint64_t(act_buffers) * act_tiles * ta + act_tiles * ta + uint64_t(act_buffers) * act_tiles * ta +
                        w_tiles * tw + uint64_t(block_h * n_t) * to + m_t * uint64_t(n_t) * to;
    if (op.inputs.size() > 2) {
      const Tensor& bias = ctx.graph.input(op, 2);
      const uint32_t tbias = tile_bytes(ctx.format_of(bias));
      s.bias_tiles = uint64_t(n_t);
      s.bias = ctx.builder.add_buffer(s.core, "bias:" + op.name, op_index, 0, tbias);
      s.share.own_bytes += s.bias_tiles * tbias;
    }
    m_blocks = std::max<int64_t>(m_blocks, ceil_div(int64_t(m_t), block_h));
  }
  // The bias: read once by the first core of each channel group and multicast down it.
  for (int col = 0; col < n_cols && op.inputs.size() > 2; ++col)
    for (int row = 0; row < n_rows; ++row) {
      CoreState& s = cores[at.at({row, col})];
      const Tensor& bias = ctx.graph.input(op, 2);
      ctx.builder.dram_read(bias.name + "|" + op.name + "|" + std::to_string(col), op_index, s.core, s.bias,
                            s.bias_tiles * tile_bytes(ctx.format_of(bias)), s.bias_tiles, false,
                            ctx.prefetch_gate(s.core, op_index), -1, 0);
    }

  int64_t step = 0;  // (activation block, kernel row) steps
  for (int64_t mb = 0; mb < m_blocks; ++mb)
    for (int64_t outer = 0; outer < window_outer; ++outer, ++step) {
      // Each core gathers and tilizes its own block.
      for (CoreState& s : cores) {
        const int64_t m_t = ceil_div(s.out.rows(), kTileDim);
        const int64_t mh = std::clamp<int64_t>(m_t - mb * block_h, 0, block_h);
        const uint64_t act_tiles = uint64_t(std::max<int64_t>(mh, 1) * kb);
        const int64_t pixels = std::clamp<int64_t>(s.out.rows() - mb * block_h * kTileDim, 0, block_h * kTileDim);
        // The rows of its shard this block's window reads.
        const Region rows_out{std::min(s.out.r1, s.out.r0 + mb * block_h * kTileDim),
                              std::min(s.out.r1, s.out.r0 + (mb + 1) * block_h * kTileDim), s.out.c0, s.out.c1};
        const Region block_need =
            rows_out.empty() ? s.in_need : needed_input_regions(ctx.graph, op, rows_out)[0].intersect(s.in_need);
        ComputeCmd t;
        t.op = op_index;
        t.launches_kernel = step == 0;
        t.waits = s.in.waits_for(block_need);
        if (s.bias >= 0 && step == 0) t.waits.push_back({s.bias, s.bias_tiles});
        t.reshape.kind = ReshapeKind::im2col;
        t.reshape.bytes = act_tiles * ta;
        t.reshape.reads = uint64_t(pixels) * reads_per_pixel;
        t.reshape.single_buffered = !pc.act_double_buffer;
        t.reshape.whole_block = true;
        t.unpack = {{act_tiles * ta, false}};
        t.pack_bytes = act_tiles * ta;
        t.stream_tiles = act_tiles;
        t.out_buffer = s.tilized;
        t.out_tiles = act_tiles;
        s.tilized_level += act_tiles;
        s.cmds.push_back(std::move(t));
        s.needs.push_back(block_need);
      }
      for (int sender = 0; sender < n_cols; ++sender) {
        const int64_t k_index = outer * n_cols + sender;
        const bool last_k = k_index == k_blocks - 1;
        // The sender of each pixel-row group multicasts its tilized block along the group: once its own
        // block is tilized (the first sender) or once it has multiplied the block before (the others).
        for (int row = 0; row < n_rows; ++row) {
          CoreState& src = cores[at.at({row, sender})];
          const int64_t m_t = ceil_div(src.out.rows(), kTileDim);
          const uint64_t act_tiles = uint64_t(std::max<int64_t>(std::clamp<int64_t>(m_t - mb * block_h, 0, block_h), 1) * kb);
          std::vector<int> dsts, bufs;
          for (int col = 0; col < n_cols; ++col) {
            CoreState& d = cores[at.at({row, col})];
            dsts.push_back(d.core);
            bufs.push_back(d.act);
          }
          const BufferLevel ready = sender == 0 ? BufferLevel{src.tilized, src.tilized_level}
                                                : BufferLevel{src.token, src.token_level};
          ctx.builder.multicast(op_index, src.core, ready, act_tiles * ta, act_tiles, dsts, bufs);
        }
        // The first core of each channel group reads the weight block and multicasts it down the group:
        // one read for all of them, issued once each has room for it.
        for (int col = 0; col < n_cols; ++col)
          for (int row = 0; row < n_rows; ++row) {
            CoreState& s = cores[at.at({row, col})];
            const int64_t n_t = ceil_div(s.out.cols(), kTileDim);
            const uint64_t w_tiles = uint64_t(kb * n_t);
            const std::string key = w.name + "|" + op.name + "|" + std::to_string(col) + "|" + std::to_string(mb) + "|" +
                                    std::to_string(k_index);
            ctx.builder.dram_read(key, op_index, s.core, s.weight, w_tiles * tw, w_tiles, true,
                                  ctx.prefetch_gate(s.core, op_index), 2 * (mb * k_blocks + k_index) + 1, 2);
            if (row == 0) s.share.weight_bytes += w_tiles * tw;
          }
        // Every core multiplies the received block by its weight block.
        for (CoreState& s : cores) {
          const int64_t m_t = ceil_div(s.out.rows(), kTileDim), n_t = ceil_div(s.out.cols(), kTileDim);
          const int64_t mh = std::clamp<int64_t>(m_t - mb * block_h, 0, block_h);
          const int64_t mh_sent = std::max<int64_t>(mh, 1);
          const uint64_t act_tiles = uint64_t(mh_sent * kb), w_tiles = uint64_t(kb * n_t);
          s.act_level += act_tiles;
          s.weight_level += w_tiles;
          ComputeCmd cmd;
          cmd.op = op_index;
          cmd.waits = {{s.act, s.act_level}, {s.weight, s.weight_level}};
          cmd.pops = {{s.act, act_tiles}, {s.weight, w_tiles}};
          const Region block_out{std::min(s.out.r1, s.out.r0 + mb * block_h * kTileDim),
                                 std::min(s.out.r1, s.out.r0 + (mb * block_h + mh) * kTileDim), s.out.c0, s.out.c1};
          if (mh > 0) {
            const uint64_t out_tiles = uint64_t(mh * n_t);
            // The partial sums go through SRAM between K blocks.
            cmd.unpack = {{act_tiles * ta, false}, {w_tiles * tw, fw == DataFormat::bfp2},
                          {k_index > 0 ? out_tiles * to : 0, false}};
            cmd.math.kind = MathKind::matmul;
            cmd.math.fidelity = fid;
            cmd.math.m_tiles = uint64_t(mh);
            cmd.math.n_tiles = uint64_t(n_t);
            cmd.math.k_tiles = uint64_t(kb);
            cmd.math.batches = 1;
            cmd.math.rows_per_m_tile = uint32_t(std::min<int64_t>(block_out.rows(), kTileDim));
            cmd.math.live_fraction = 1.0;
            cmd.pack_bytes = out_tiles * to;
            cmd.stream_tiles = out_tiles * uint64_t(kb);
            // The K block's MACs: its kernel row's taps of the sender's channels that exist.
            const int64_t ch = std::clamp<int64_t>(c.c - sender * in_slice, 0, in_slice);
            cmd.macs = uint64_t(block_out.elements()) * uint64_t(ch) * uint64_t(c.kw * (window_outer == 1 ? c.kh : 1));
            s.share.macs += int64_t(cmd.macs);
            if (last_k && act_lane_ops_per_tile) {
              cmd.math.vector_lane_ops += out_tiles * act_lane_ops_per_tile;
              cmd.vector_tiles += out_tiles;
            }
          }
          if (last_k && mh > 0) {
            cmd.out_buffer = s.out_buf;
            cmd.out_tiles = uint64_t(region_tiles(block_out));
            s.out_level += cmd.out_tiles;
            s.share.pieces.emplace_back(block_out, s.out_level);
          } else {
            // Done with the received block: the next sender may multicast into its buffer.
            cmd.out_buffer = s.token;
            cmd.out_tiles = 1;
            ++s.token_level;
          }
          s.cmds.push_back(std::move(cmd));
          s.needs.push_back(Region{});
        }
      }
    }

  std::vector<std::pair<int, CoreShare>> shares;
  const uint64_t sram = ctx.config.core.sram_bytes();
  for (CoreState& s : cores) {
    ctx.issue_stream_reads(op_index, s.core, s.in, s.needs);
    const auto pops = s.in.stream_pops(s.needs);
    for (size_t i = 0; i < s.cmds.size(); ++i) {
      if (i < pops.size()) s.cmds[i].pops.insert(s.cmds[i].pops.end(), pops[i].begin(), pops[i].end());
      ctx.builder.compute(s.core, s.cmds[i]);
    }
    s.share.out_tiles = s.out_level;
    if (s.in.bytes + s.share.own_bytes > sram) {
      s.share.fits = false;
      s.share.note = "working set exceeds SRAM at the program's blocks";
    }
    shares.emplace_back(s.core, std::move(s.share));
  }
  return shares;
}

}  // namespace tessera
