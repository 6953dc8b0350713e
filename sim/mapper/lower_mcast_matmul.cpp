// Op by op, a matmul with tt-metal's 1-D multicast-in0 program (MatmulMultiCoreReuseMultiCast1D, and the
// program ttnn picks itself for the narrow DRAM matmuls of attention) runs as that program does. The cores
// split the output's columns, per_core_N tiles each, and every core loops over all batches and row blocks.
// The activation (in0) block of each step is read once and multicast to every core; each core reads its
// own weight (in1) block. One RISC-V runs both the in1 reader and the output writer: after each output
// block it writes the block and waits for the writes to land (a write barrier) before it reads the next
// in1 block. So per output block a core pays an in1 read round trip, the compute and a write round trip
// one after another, and a batched matmul of small matrices costs batches x that chain.
#include <algorithm>

#include "sim/mapper/lowering.h"
#include "sim/mapper/matmul_block.h"

namespace tessera {
namespace {

// The largest divisor of k_t not above `limit`: K blocks of one size, as tt-metal requires.
int64_t even_block(int64_t k_t, int64_t limit) {
  for (int64_t b = std::min(k_t, limit); b > 1; --b)
    if (k_t % b == 0) return b;
  return 1;
}

}  // namespace

bool runs_as_mcast_matmul(const MapContext& ctx, const Op& op) {
  if (ctx.config.mapper.schedule != Schedule::op_by_op || op.type != OpType::matmul || op.program.kind != "1d_mcast_in0")
    return false;
  const Tensor& a = ctx.graph.input(op, 0);
  const Tensor& b = ctx.graph.input(op, 1);
  const Tensor& y = ctx.graph.output(op);
  if (a.shape.size() < 2 || b.shape.size() < 2 || y.shape.size() < 2 || a.image || b.image) return false;
  // in1 is one K x N matrix or one per batch; both operands in DRAM.
  const int64_t batches = matrix_shape(y).rows / y.shape[y.shape.size() - 2];
  const int64_t b_rows = matrix_shape(b).rows;
  const bool b_fits = b_rows == a.shape.back() || b_rows == batches * a.shape.back();
  return b_fits && ctx.held[size_t(op.inputs[0])].empty() && ctx.held[size_t(op.inputs[1])].empty();
}

std::vector<std::pair<int, CoreShare>> lower_mcast_matmul(MapContext& ctx, int op_index) {
  const Op& op = ctx.graph.ops[size_t(op_index)];
  const Tensor& a = ctx.graph.input(op, 0);
  const Tensor& b = ctx.graph.input(op, 1);
  const Tensor& y = ctx.graph.output(op);
  const ProgramConfig& pc = op.program;
  const MatrixShape out = matrix_shape(y);
  const int64_t m = y.shape[y.shape.size() - 2], k = a.shape.back();
  const int64_t batches = out.rows / m;
  const bool b_per_batch = matrix_shape(b).rows == batches * k && batches > 1;
  const int64_t m_t = ceil_div(m, kTileDim), n_t = ceil_div(out.cols, kTileDim), k_t = ceil_div(k, kTileDim);
  const int cores_allowed = op.cores > 0 ? std::min(op.cores, ctx.core_count) : ctx.core_count;
  const int64_t per_core_n = pc.per_core_n > 0 ? pc.per_core_n : ceil_div(n_t, cores_allowed);
  const int64_t per_core_m = std::min(m_t, pc.per_core_m > 0 ? pc.per_core_m : m_t);
  const int64_t kb = std::min(k_t, pc.in0_block_w > 0 ? pc.in0_block_w : even_block(k_t, 8));
  const int cores = int(ceil_div(n_t, per_core_n));
  const int64_t m_blocks = ceil_div(m_t, per_core_m), k_blocks = ceil_div(k_t, kb);
  const DataFormat fa = ctx.format_of(a), fb = ctx.format_of(b), fo = ctx.format_of(y);
  const uint32_t ta = tile_bytes(fa), tb = tile_bytes(fb), to = tile_bytes(fo);
  const MatmulFormats formats{fa, fb, fo, ctx.fidelity_of(op)};
  // The writer's barrier is in the loop only when the output goes to DRAM interleaved (a sharded output
  // stays in the cores' L1, and the kernel skips the writes).
  const bool write_barrier = y.memory && y.memory->buffer == BufferType::dram;

  struct CoreState {
    int in0 = -1, in1 = -1, out = -1, written = -1, bias = -1;
    uint64_t in0_level = 0, in1_level = 0, out_level = 0, blocks_out = 0, bias_tiles = 0;
    CoreShare share;
  };
  std::vector<CoreState> state(static_cast<size_t>(cores));
  for (int c = 0; c < cores; ++c) {
    CoreState& s = state[size_t(c)];
    const int64_t n_here = std::min(per_core_n, n_t - c * per_core_n);
    s.in0 = ctx.builder.add_buffer(c, "in0:" + op.name, op_index, uint64_t(2 * per_core_m * kb), ta);
    s.in1 = ctx.builder.add_buffer(c, "in1:" + op.name, op_index, uint64_t(2 * kb * n_here), tb);
    s.out = ctx.builder.add_buffer(c, "out:" + op.name, op_index, 0, to);
    // Counts this core's output blocks that have landed in DRAM: the write barrier its next in1 read waits on.
    if (write_barrier) {
      s.written = ctx.builder.add_buffer(c, "written:" + op.name, op_index, 0, 1);
      s.share.written_token = s.written;
    }
    s.share.out_buffer = s.out;
    s.share.own_bytes = uint64_t(2 * per_core_m * kb) * ta + uint64_t(2 * kb * n_here) * tb;
    if (op.inputs.size() > 2) {
      const Tensor& bias = ctx.graph.input(op, 2);
      const uint32_t tbias = tile_bytes(ctx.format_of(bias));
      s.bias_tiles = uint64_t(n_here);
      s.bias = ctx.builder.add_buffer(c, "bias:" + op.name, op_index, 0, tbias);
      ctx.builder.dram_read(bias.name + "|" + std::to_string(c), op_index, c, s.bias, s.bias_tiles * tbias,
                            s.bias_tiles, false, ctx.prefetch_gate(c, op_index), -1, 0);
      s.share.own_bytes += s.bias_tiles * tbias;
    }
  }

  int64_t step = 0;
  for (int64_t bt = 0; bt < batches; ++bt)
    for (int64_t mb = 0; mb < m_blocks; ++mb) {
      const int64_t mh = std::min(per_core_m, m_t - mb * per_core_m);
      const int64_t r0 = bt * m + mb * per_core_m * kTileDim, r1 = std::min(bt * m + m, r0 + mh * kTileDim);
      for (int64_t kj = 0; kj < k_blocks; ++kj, ++step) {
        const int64_t kh = std::min(kb, k_t - kj * kb);
        const bool last_k = kj == k_blocks - 1;
        const uint64_t in0_tiles = uint64_t(mh * kh);
        // A K that does not fill its last tile: the reader zeroes that tile's padding columns in each of
        // the block's tile rows after the read lands, before it multicasts.
        const uint32_t fill = last_k && k % kTileDim ? uint32_t(mh * kTileDim * (kTileDim - k % kTileDim)) : 0;
        // in0: one read, multicast to every core (the same key from each core makes it one).
        const std::string in0_key = a.name + "|" + std::to_string(bt) + "|" + std::to_string(mb) + "|" + std::to_string(kj);
        for (int c = 0; c < cores; ++c) {
          CoreState& s = state[size_t(c)];
          ctx.builder.dram_read(in0_key, op_index, c, s.in0, in0_tiles * ta, in0_tiles, true,
                                ctx.prefetch_gate(c, op_index), 2 * step, 1, 0, fill);
          s.in0_level += in0_tiles;
        }
        for (int c = 0; c < cores; ++c) {
          CoreState& s = state[size_t(c)];
          const int64_t nh = std::min(per_core_n, n_t - c * per_core_n);
          const uint64_t in1_tiles = uint64_t(kh * nh);
          // in1: this core's columns; after the first output block it waits for the block before to land.
          std::vector<BufferLevel> waits = ctx.prefetch_gate(c, op_index);
          if (write_barrier && s.blocks_out > 0) waits.push_back({s.written, s.blocks_out});
          const std::string in1_key = b.name + "|" + std::to_string(c) + "|" + std::to_string(b_per_batch ? bt : 0) +
                                      "|" + std::to_string(mb) + "|" + std::to_string(kj) + "|" + std::to_string(step);
          ctx.builder.dram_read(in1_key, op_index, c, s.in1, in1_tiles * tb, in1_tiles, true, waits, 2 * step + 1, 2);
          s.in1_level += in1_tiles;
          s.share.weight_bytes += in1_tiles * tb;

          const int64_t c0 = c * per_core_n * kTileDim, c1 = std::min(out.cols, c0 + nh * kTileDim);
          const Region block_out{r0, r1, c0, c1};
          ComputeCmd cmd;
          cmd.op = op_index;
          cmd.launches_kernel = step == 0;
          cmd.waits = {{s.in0, s.in0_level}, {s.in1, s.in1_level}};
          cmd.pops = {{s.in0, in0_tiles}, {s.in1, in1_tiles}};
          if (s.bias >= 0) cmd.waits.push_back({s.bias, s.bias_tiles});
          const int64_t k_elems = std::min<int64_t>(kh * kTileDim, k - kj * kb * kTileDim);
          fill_matmul_block(cmd, {mh, nh, kh, kj, k_blocks, block_out, k_elems}, formats);
          s.share.macs += int64_t(cmd.macs);
          if (last_k) {
            cmd.out_buffer = s.out;
            cmd.out_tiles = uint64_t(region_tiles(block_out));
            s.out_level += cmd.out_tiles;
            s.share.pieces.emplace_back(block_out, s.out_level);
            ++s.blocks_out;
          }
          ctx.builder.compute(c, cmd);
        }
      }
    }

  std::vector<std::pair<int, CoreShare>> shares;
  const uint64_t sram = ctx.config.core.sram_bytes();
  for (int c = 0; c < cores; ++c) {
    CoreState& s = state[size_t(c)];
    s.share.out_tiles = s.out_level;
    // Until the writer bounds it, the output is held whole.
    s.share.own_bytes += s.out_level * to;
    if (s.share.own_bytes > sram) {
      s.share.fits = false;
      s.share.note = "working set exceeds SRAM at the program's blocks";
    }
    shares.emplace_back(c, std::move(s.share));
  }
  return shares;
}

}  // namespace tessera
