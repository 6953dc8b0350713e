// Convs and matmuls as blocked tile matmuls: a core's output share splits into sub-blocks that fit SRAM,
// and the reduction (K) streams through in chunks. Each sub-block waits only for the input rows it reads,
// so a consumer starts on the first rows its producers finish. For a conv the A operand is the im2col
// patch matrix, gathered chunk by chunk from the resident input by the reshape engine (never whole in
// SRAM), the input itself read at shifted offsets (direct), or Winograd-transformed tiles.
#include <algorithm>
#include <cmath>
#include <optional>

#include "packet_manager/reshaper.h"
#include "sim/mapper/input_regions.h"
#include "sim/mapper/lowering.h"
#include "sim/mapper/tt_metal_conv_rules.h"
#include "sim/workload/op_shapes.h"

namespace tessera {
namespace {

MatmulShape shape_of(const Graph& g, const Op& op, const Region& out, ConvAlgorithm algo) {
  MatmulShape s;
  s.a_rows = out.rows();
  if (op.type == OpType::matmul) {
    const int64_t k = g.input(op, 0).shape.back();
    s.k_t = ceil_div(k, kTileDim);
    s.macs = out.elements() * k;
    s.a_resident = g.input(op, 0).kind == TensorKind::activation;
    s.b_weight = g.input(op, 1).kind != TensorKind::activation;
    return s;
  }
  const ConvGeometry c = conv_geometry(g, op);
  const int64_t cg = c.c / c.groups;
  if (op.type == OpType::conv_transpose2d) {
    // Each output pixel receives kh*kw/(sh*sw) taps of every input channel.
    const int64_t k = std::max<int64_t>(1, cg * c.kh * c.kw / (c.sh * c.sw));
    s.k_t = ceil_div(k, kTileDim);
    s.macs = out.elements() * k;
    s.gather = true;
    return s;
  }
  s = conv_strategy(algo).shape(c, out);
  // A height-sharded tt-metal conv's weights give each kernel row as many K tiles as its activation block
  // is wide, when that block is one kernel row rather than the whole reduction (block- and width-sharded
  // convs' blocks are a core's channel slice of it).
  const int64_t row_tiles = op.program.act_block_w_tiles;
  if (algo == ConvAlgorithm::sliding_window && row_tiles > 0 && op.program.shard_layout == "height") {
    const int64_t k = cg * c.kh * c.kw;
    s.k_t = std::max(ceil_div(k, kTileDim), row_tiles * kTileDim >= k ? row_tiles : c.kh * row_tiles);
  }
  return s;
}

// Output block (mi, ni) of a core's share: `ms` tile rows of A a block, `ns` tile columns. When A's rows are
// the output's (not Winograd tiles) blocks end on tile boundaries, so that no output tile is split between
// two blocks and pushed twice; Winograd blocks take their proportion of the output rows.
Region sub_region(const Region& out, int64_t mi, int64_t m_blocks, int64_t ms, bool rows_are_output, int64_t ni,
                  int64_t ns) {
  const int64_t c0 = std::min(out.c1, out.c0 + ni * ns * kTileDim), c1 = std::min(out.c1, out.c0 + (ni + 1) * ns * kTileDim);
  if (rows_are_output)
    return {std::min(out.r1, out.r0 + mi * ms * kTileDim), std::min(out.r1, out.r0 + (mi + 1) * ms * kTileDim), c0, c1};
  return {out.r0 + out.rows() * mi / m_blocks, out.r0 + out.rows() * (mi + 1) / m_blocks, c0, c1};
}

}  // namespace

CoreShare lower_matrix(MapContext& ctx, int op_index, int core, const Region& out, ConvAlgorithm algo, bool emit) {
  const Op& op = ctx.graph.ops[op_index];
  const Tensor& a = ctx.graph.input(op, 0);
  const Tensor& b = ctx.graph.input(op, 1);
  MatmulShape s = shape_of(ctx.graph, op, out, algo);
  // An activation the conv's kernel applies itself: the vector unit's cycles per output tile, on the math
  // thread after the tile's last K chunk (32 lanes a cycle).
  const std::string fused_act = fused_conv_activation(ctx.config.mapper, ctx.graph, op_index);
  const uint64_t act_lane_ops_per_tile = fused_act.empty() ? 0 : ctx.costs.vector_cycles(fused_act, 1) * 32;
  // A matmul operand the trace leaves in L1 shards is read from the cores holding it, as an activation.
  if (op.type == OpType::matmul && !ctx.held[size_t(op.inputs[0])].empty()) s.a_resident = true;
  if (op.type == OpType::matmul && !ctx.held[size_t(op.inputs[1])].empty()) s.b_weight = false;
  // A matmul whose A does not fit beside everything else reads it from DRAM chunk by chunk, as if it were
  // a network input; the producers write it there first.
  const bool a_staged = op.type == OpType::matmul && s.a_resident &&
                        ctx.decisions.streamed_ops.count(op_index) && ctx.decisions.staged.count({op.inputs[0], op_index});
  if (a_staged) s.a_resident = false;
  const DataFormat fa = ctx.format_of(a), fb = ctx.format_of(b), fo = ctx.format_of(ctx.graph.output(op));
  const Fidelity fid = ctx.fidelity_of(op);
  const uint32_t ta = tile_bytes(fa), tb = tile_bytes(fb), to = tile_bytes(fo);
  const int64_t m_t = ceil_div(s.a_rows, kTileDim), n_t = ceil_div(out.cols(), kTileDim), k_t = s.k_t;
  const uint32_t rows_per_tile = uint32_t(std::min<int64_t>(s.a_rows, kTileDim));
  const double a_live = 1.0 - ctx.zero_tile_fraction(a);
  const std::vector<Region> need = needed_input_regions(ctx.graph, op, out);
  CoreShare share;
  share.macs = int64_t(std::llround(double(s.macs) * a_live));
  // Sub-blocks of at most 8 tile rows, fewer when SRAM fitting asked for smaller blocks.
  const int64_t max_block_rows = std::max<int64_t>(1, 8 >> ctx.decisions.block_shrink(op_index));
  if (op.type != OpType::matmul) share.conv_algorithm = op.type == OpType::conv2d ? to_string(algo) : "im2col";

  // Operands that stay whole in SRAM: activations, and the bias.
  OperandFetch a_res, b_res, bias;
  uint64_t fixed = 0;
  if (emit) {
    // What of A each sub-block reads (sub-blocks only get smaller below), to size a streamed buffer.
    std::vector<Region> a_block_needs;
    const int64_t first_blocks = ceil_div(m_t, std::min<int64_t>(m_t, max_block_rows));
    for (int64_t mi = 0; mi < first_blocks && s.a_resident; ++mi) {
      const Region r = needed_input_regions(
          ctx.graph, op, sub_region(out, mi, first_blocks, std::min<int64_t>(m_t, max_block_rows), s.batches == 1, 0, n_t))[0];
      if (op.type != OpType::matmul) {
        a_block_needs.push_back(r);
        continue;
      }
      for (int64_t k0 = 0; k0 < k_t; k0 += 8) a_block_needs.push_back(r.intersect({r.r0, r.r1, k0 * kTileDim, (k0 + 8) * kTileDim}));
    }
    if (s.a_resident) a_res = ctx.fetch_resident(op_index, 0, core, need[0], "in0", a_block_needs);
    // Every block reads all of an activation B and of the bias: a streamed buffer must hold them whole.
    if (!s.b_weight) b_res = ctx.fetch_resident(op_index, 1, core, need[1], "in1", {need[1]});
    if (op.inputs.size() > 2) bias = ctx.fetch_resident(op_index, 2, core, need[2], "bias", {need[2]});
    fixed = a_res.bytes + b_res.bytes + bias.bytes;
  } else {
    if (s.a_resident) fixed += region_bytes(need[0], fa);
    if (!s.b_weight) fixed += region_bytes(need[1], fb);
  }

  // Sub-blocks of at most 8 tile rows (so consumers can start early) and K chunks, sized so that the
  // working set fits what SRAM has left.
  const uint64_t sram = ctx.config.core.sram_bytes();
  const uint64_t budget = sram > fixed ? (sram - fixed) * 9 / 10 : 0;
  int64_t ms = std::min<int64_t>(m_t, max_block_rows), ns = n_t, kb = std::min<int64_t>(k_t, 8);
  // A tt-metal conv runs its program's blocks: act_block_h tile rows (up to the lowering's own) by
  // act_block_w K tiles, and its kernel sends the partial sums through SRAM between K blocks whenever there
  // are several (`spill = in0_num_blocks_w > 1` in conv_bmm_tilize_col_major_out_blocks.cpp), not only
  // when they overflow the destination registers.
  const bool kernel_blocks = algo == ConvAlgorithm::sliding_window && op.type == OpType::conv2d &&
                             op.program.present && op.program.act_block_w_tiles > 0;
  if (kernel_blocks) {
    kb = std::min<int64_t>(k_t, op.program.act_block_w_tiles);
    // Taller blocks than the lowering's own (at most 8 tile rows) are not taken: its buffers are sized for
    // those (a whole shard a block is what ttnn's auto config gives).
    if (op.program.act_block_h_tiles > 0) ms = std::min<int64_t>(ms, op.program.act_block_h_tiles);
  }
  auto spills = [&](int64_t m, int64_t n, int64_t k) { return k < k_t && (kernel_blocks || m * n > 8); };
  // When the operands held whole already overflow SRAM, no block size fits: this share's plan is refitted
  // (inputs staged or streamed) or refused, never run, so it keeps its largest blocks instead of shrinking
  // to one tile a block (tens of thousands of commands a core, gigabytes over a network's first attempt).
  const bool resident_overflows = emit && fixed > sram;
  auto working = [&](int64_t m, int64_t n, int64_t k) {
    const uint64_t out_bytes = uint64_t(s.batches * m * n) * to * (spills(m, n, k) ? 2 : 1);
    const uint64_t a_chunk = (s.gather || !s.a_resident || s.batches > 1) ? 2 * uint64_t(s.batches * m * k) * ta : 0;
    const uint64_t b_chunk = s.b_weight ? 2 * uint64_t(s.batches * k * n) * tb : 0;
    return out_bytes + a_chunk + b_chunk;
  };
  auto working_without_b = [&](int64_t m, int64_t n, int64_t k) {
    return working(m, n, k) - (s.b_weight ? 2 * uint64_t(s.batches * k * n) * tb : 0);
  };
  while (!resident_overflows && working(ms, ns, kb) > budget && (ms > 1 || ns > 1 || kb > 1)) {
    if (kb > 2) kb = (kb + 1) / 2;
    else if (ms >= ns && ms > 1) ms = (ms + 1) / 2;
    else if (ns > 1) ns = (ns + 1) / 2;
    else kb = 1;
  }
  const int64_t m_blocks = ceil_div(m_t, ms), n_blocks = ceil_div(n_t, ns), k_chunks = ceil_div(k_t, kb);
  // Weights stay resident across sub-blocks when they fit beside everything else; else they stream through
  // a double buffer, again for every sub-block.
  const uint64_t weight_total = uint64_t(s.batches * k_t * n_t) * tb;
  const bool weights_resident = s.b_weight && weight_total + working(ms, ns, kb) <= budget;
  if (fixed + working(ms, ns, kb) > sram) {
    share.note = resident_overflows ? "resident operands exceed SRAM" : "working set exceeds SRAM even at 1x1 tile blocks";
    share.fits = false;
  }
  share.own_bytes = working(ms, ns, kb) - (weights_resident ? working(ms, ns, kb) - working_without_b(ms, ns, kb) : 0) +
                    (weights_resident ? weight_total : 0);
  // Op by op, the output buffer keeps every finished block until the next program reads it (or the write-out
  // streams it, which op_programs frees again): at the op's step the core holds its whole output share, of
  // which the working set counted one block. Fused, the sends to the consumers drain it as it fills.
  if (ctx.config.mapper.schedule == Schedule::op_by_op) {
    const uint64_t out_share = uint64_t(std::max<int64_t>(region_tiles(out), 1)) * to;
    const uint64_t out_block = uint64_t(s.batches * ms * ns) * to;
    if (out_share > out_block) share.own_bytes += out_share - out_block;
  }

  std::vector<BufferLevel> a_gate = emit ? ctx.prefetch_gate(core, op_index) : std::vector<BufferLevel>{};
  if (emit && a_staged) a_gate.push_back(ctx.stage_through_dram(op_index, 0, core, need[0]));
  const int a_stream = emit && !s.a_resident
                           ? ctx.builder.add_buffer(core, "in0:" + op.name, op_index, uint64_t(2 * ms * kb), ta) : -1;
  const int b_stream = emit && s.b_weight
                           ? ctx.builder.add_buffer(core, "weight:" + op.name, op_index,
                                                    weights_resident ? 0 : uint64_t(2 * s.batches * kb * ns), tb)
                           : -1;
  share.out_buffer = emit ? ctx.builder.add_buffer(core, "out:" + op.name, op_index, 0, to) : -1;
  // The conv kernel tilizes each activation block whole before it multiplies it (tt-metal's tilize_in, then
  // the matmul's cb_wait_front on the whole tilized block): a pass of its own through the unpacker, math and
  // packer into the tilized buffer, which the products then wait for.
  const int tilized = emit && s.tilizes_patches ? ctx.builder.add_buffer(core, "tilized:" + op.name, op_index, 0, ta) : -1;
  uint64_t tilized_level = 0;

  uint64_t a_level = 0, b_level = 0, out_level = 0;
  uint64_t total_math = 0, total_unpack = 0, total_pack = 0, total_reshape = 0;
  // Level of the resident weight buffer once chunk (ni, kj) has arrived, recorded on the first sub-block.
  std::vector<uint64_t> resident_level(size_t(n_blocks * k_chunks), 0);
  int64_t macs_left = s.macs;
  const int64_t blocks_total = m_blocks * n_blocks * k_chunks;
  int64_t block_index = 0;
  std::vector<ComputeCmd> cmds;
  std::vector<Region> a_needs;  // what of A each command reads, to release a streamed A in time
  for (int64_t mi = 0; mi < m_blocks; ++mi) {
    const int64_t m_here = std::min(ms, m_t - mi * ms);
    const int64_t rows_here = std::min<int64_t>(m_here * kTileDim, s.a_rows - mi * ms * kTileDim);
    for (int64_t ni = 0; ni < n_blocks; ++ni) {
      const int64_t n_here = std::min(ns, n_t - ni * ns);
      const Region block_out = sub_region(out, mi, m_blocks, ms, s.batches == 1, ni, ns);
      const Region block_need = needed_input_regions(ctx.graph, op, block_out)[0];
      for (int64_t kj = 0; kj < k_chunks; ++kj, ++block_index) {
        const int64_t k_here = std::min(kb, k_t - kj * kb);
        const bool last_k = kj == k_chunks - 1;
        // A matmul's K chunk reads only its columns of A; a conv's reduction mixes channels and taps.
        const Region a_need = op.type == OpType::matmul
                                  ? block_need.intersect({block_need.r0, block_need.r1, kj * kb * kTileDim, (kj * kb + k_here) * kTileDim})
                                  : block_need;
        ComputeCmd cmd;
        cmd.op = op_index;
        cmd.launches_kernel = block_index == 0;
        if (emit && s.a_resident) cmd.waits = a_res.waits_for(a_need);
        for (const OperandFetch* f : {&b_res, &bias}) {
          const auto w = f->all_waits();
          cmd.waits.insert(cmd.waits.end(), w.begin(), w.end());
        }
        const uint64_t a_chunk_tiles = uint64_t(s.batches * m_here * k_here);
        const uint64_t b_chunk_tiles = uint64_t(s.batches * k_here * n_here);
        const uint64_t a_chunk_bytes = uint64_t(std::ceil(a_chunk_tiles * ta * a_live));
        if (!s.a_resident && emit && a_chunk_bytes > 0) {  // an all-zero chunk is neither read nor waited for
          // A streams from DRAM: each chunk once per sub-block that needs it.
          const std::string key = a.name + "|" + std::to_string(out.r0) + "|" + std::to_string(mi) + "|" +
                                  std::to_string(ni) + "|" + std::to_string(kj);
          ctx.builder.dram_read(key, op_index, core, a_stream, a_chunk_bytes, a_chunk_tiles, true, a_gate,
                                2 * int64_t(cmds.size()), /*stream=*/1);
          a_level += a_chunk_tiles;
          cmd.waits.push_back({a_stream, a_level});
          cmd.pops.push_back({a_stream, a_chunk_tiles});
        }
        if (s.b_weight && (!weights_resident || mi == 0)) {
          // The same weight chunk serves every core with the same output columns: one multicast read.
          if (emit) {
            // Cores that block differently (their SRAM budgets differ) read different chunks: the key says so.
            const std::string key = b.name + "|" + to_string(algo) + "|" + std::to_string(out.c0) + "|" +
                                    std::to_string(ns) + "x" + std::to_string(kb) + "|" + std::to_string(ni) + "|" +
                                    std::to_string(kj) + (weights_resident ? "" : "|" + std::to_string(mi));
            ctx.builder.dram_read(key, op_index, core, b_stream, b_chunk_tiles * tb, b_chunk_tiles, !weights_resident,
                                  ctx.prefetch_gate(core, op_index), 2 * int64_t(cmds.size()) + 1, /*stream=*/2);
          }
          share.weight_bytes += b_chunk_tiles * tb;
        }
        if (s.b_weight && emit) {
          if (!weights_resident) {
            b_level += b_chunk_tiles;
            cmd.waits.push_back({b_stream, b_level});
            cmd.pops.push_back({b_stream, b_chunk_tiles});
          } else {
            // Resident weights arrive chunk by chunk in the order the first sub-block uses them.
            if (mi == 0) {
              b_level += b_chunk_tiles;
              resident_level[size_t(ni * k_chunks + kj)] = b_level;
            }
            cmd.waits.push_back({b_stream, resident_level[size_t(ni * k_chunks + kj)]});
          }
        }
        const uint64_t a_bytes = uint64_t(std::ceil(a_chunk_tiles * ta * a_live));
        // Compressed activations unpack at the x1 rate; a gather decompresses them on the way instead, at
        // the decompressor's rate, and hands the engines plain patches.
        const bool a_compressed = a_res.compressed && !s.gather;
        const uint64_t a_stored = a_compressed ? uint64_t(std::ceil(a_bytes / a_res.ratio)) : a_bytes;
        if (s.gather) {
          cmd.reshape.kind = ReshapeKind::im2col;
          cmd.reshape.bytes = a_bytes;
          if (a_res.compressed) cmd.reshape.compressed_bytes = uint64_t(std::ceil(a_bytes / a_res.ratio));
          // The sliding window's reader: its reads per pixel, for the kernel rows this K chunk covers.
          cmd.reshape.reads = uint64_t(ceil_div(rows_here * int64_t(s.reads_per_row) * k_here, k_t));
          cmd.reshape.single_buffered = s.tilizes_patches && !op.program.act_double_buffer;
          cmd.reshape.whole_block = s.tilizes_patches;
        }
        // Partial sums go back to SRAM between chunks when they do not fit the destination registers (or
        // always, in a tt-metal conv's kernel).
        const bool spill_partials = k_chunks > 1 && (kernel_blocks || s.batches * m_here * n_here > 8);
        const uint64_t partial_bytes = spill_partials && kj > 0 ? uint64_t(s.batches * m_here * n_here) * to : 0;
        cmd.unpack = {{a_stored, a_compressed || fa == DataFormat::bfp2},
                      {b_chunk_tiles * tb, fb == DataFormat::bfp2},
                      {partial_bytes, false}};
        cmd.math.kind = MathKind::matmul;
        cmd.math.fidelity = fid;
        cmd.math.m_tiles = uint64_t(m_here);
        cmd.math.n_tiles = uint64_t(n_here);
        cmd.math.k_tiles = uint64_t(k_here);
        cmd.math.batches = uint64_t(s.batches);
        cmd.math.rows_per_m_tile = rows_per_tile;
        cmd.math.live_fraction = a_live;
        // Winograd transforms run on the vector unit inside the math stage.
        if (s.transform_in_ops) {
          const uint64_t channels = uint64_t(std::min<int64_t>(k_here * kTileDim, a.shape[1] - kj * kb * kTileDim));
          cmd.math.vector_lane_ops += uint64_t(rows_here) * channels * s.transform_in_ops;
          cmd.vector_tiles += ceil_div(int64_t(uint64_t(rows_here) * channels), kTileElements);
          if (last_k) {
            cmd.math.vector_lane_ops += uint64_t(rows_here) * uint64_t(block_out.cols()) * s.transform_out_ops;
            cmd.vector_tiles += ceil_div(int64_t(uint64_t(rows_here) * uint64_t(block_out.cols())), kTileElements);
          }
        }
        if (last_k && act_lane_ops_per_tile) {
          const uint64_t tiles = uint64_t(region_tiles(block_out));
          cmd.math.vector_lane_ops += tiles * act_lane_ops_per_tile;
          cmd.vector_tiles += tiles;
        }
        if (last_k || spill_partials)
          cmd.pack_bytes = uint64_t(last_k && s.batches > 1 ? region_tiles(block_out) : s.batches * m_here * n_here) * to;
        // The compute kernel tilizes the row-major patches before it multiplies them: each is unpacked and
        // packed once more (the math thread's copy is negligible beside the products), as its own step
        // ahead of the products, which wait for the whole tilized block.
        std::optional<ComputeCmd> tilize;
        if (s.tilizes_patches) {
          tilize.emplace();
          tilize->op = op_index;
          tilize->launches_kernel = cmd.launches_kernel;
          cmd.launches_kernel = false;
          tilize->waits = cmd.waits;
          tilize->reshape = cmd.reshape;
          cmd.reshape = ReshapeWork{};
          tilize->unpack = {{a_bytes, false}};
          tilize->pack_bytes = a_chunk_tiles * ta;
          tilize->stream_tiles = a_chunk_tiles;
          tilize->out_buffer = tilized;
          tilize->out_tiles = a_chunk_tiles;
          tilized_level += a_chunk_tiles;
          cmd.waits.push_back({tilized, tilized_level});
          cmd.pops.push_back({tilized, a_chunk_tiles});
        }
        cmd.stream_tiles = uint64_t(s.batches * m_here * n_here * k_here);
        cmd.macs = uint64_t(macs_left / (blocks_total - block_index));
        macs_left -= int64_t(cmd.macs);
        cmd.macs = uint64_t(std::llround(double(cmd.macs) * a_live));  // all-zero tiles are skipped
        if (last_k) {
          cmd.out_buffer = share.out_buffer;
          cmd.out_tiles = uint64_t(std::max<int64_t>(region_tiles(block_out), 1));
          out_level += cmd.out_tiles;
          share.pieces.emplace_back(block_out, out_level);
        }
        // The estimate prices the block with the engines' own cost functions.
        for (const ComputeCmd* c : {tilize ? &*tilize : nullptr, &cmd}) {
          if (!c) continue;
          const StageCycles priced = ctx.price(*c);
          total_math += priced.math;
          total_unpack += priced.unpack;
          total_pack += priced.pack;
          total_reshape += priced.reshape;
        }
        if (tilize) {
          cmds.push_back(std::move(*tilize));
          a_needs.push_back(a_need);
        }
        cmds.push_back(std::move(cmd));
        a_needs.push_back(tilize ? Region{} : a_need);  // the products read the tilized copy, not A
      }
    }
  }
  if (emit) {
    ctx.issue_stream_reads(op_index, core, a_res, a_needs);
    // B (an activation) and the bias are read whole by every block.
    ctx.issue_stream_reads(op_index, core, b_res, std::vector<Region>(cmds.size(), need[1]));
    if (op.inputs.size() > 2) ctx.issue_stream_reads(op_index, core, bias, std::vector<Region>(cmds.size(), need[2]));
    const auto a_pops = a_res.stream_pops(a_needs);
    for (size_t i = 0; i < cmds.size(); ++i) {
      cmds[i].pops.insert(cmds[i].pops.end(), a_pops[i].begin(), a_pops[i].end());
      ctx.builder.compute(core, cmds[i]);
    }
  }
  share.out_tiles = out_level;
  // The weights and a streamed A are read through the core's prefetch gate, so they may land steps before
  // this op's own (share.own_bytes counts them from its step on): hold what their buffers can take from the
  // first step the gate opens.
  if (emit) {
    const uint64_t early = (b_stream >= 0 ? (weights_resident ? weight_total : uint64_t(2 * s.batches * kb * ns) * tb) : 0) +
                           (a_stream >= 0 ? uint64_t(2 * ms * kb) * ta : 0);
    const int from = ctx.first_read_step(core, op_index);
    if (early > 0 && from < op_index)
      ctx.hold_sram(core, from, op_index - 1, early, op.inputs[b_stream >= 0 ? 1 : 0], op_index, /*prefetched=*/true);
  }
  // What the choice of algorithm weighs first: the slowest pipeline stage (the weights' DRAM time is
  // added by the caller, who knows how many cores share each weight read).
  share.estimated_cycles = double(std::max({total_math, total_unpack, total_pack, total_reshape}));
  return share;
}

double estimate_tile_cycles(const MapContext& ctx, const Op& op) {
  const Fidelity fid = ctx.fidelity_of(op);
  switch (op_class(op.type)) {
    case OpClass::matrix: {
      const Region any{0, kTileDim, 0, kTileDim};
      const int64_t k_t = shape_of(ctx.graph, op, any, ConvAlgorithm::im2col).k_t;
      return double(ctx.costs.matmul_cycles(1, 1, k_t, fid));
    }
    case OpClass::eltwise: return double(ctx.costs.eltwise_cycles("add", 1, fid));
    case OpClass::pool: return double(ctx.costs.reduce_cycles(9));
    default: return 64.0;
  }
}

}  // namespace tessera
