// Op by op, a matmul with tt-metal's minimal program config runs as that program does. The grid's columns
// split the output's columns evenly and its rows the output's rows. The first core of each column reads the
// weight (in1) blocks from DRAM page by page and passes each block down its column, core to core; the
// first core of each row does the same with the activation (in0) blocks along its row. Every core of the
// grid takes part in both chains, even one with no output of its own, so a block reaches the last core
// only after every hop before it. A core that reads and forwards does both on one RISC-V: its next read
// waits until the block it forwarded has left it, so its time per block is the read plus the forward.
#include <algorithm>

#include "sim/mapper/lowering.h"
#include "sim/mapper/matmul_block.h"

namespace tessera {
namespace {

int clamp_grid(int wanted, int available) { return std::clamp(wanted > 0 ? wanted : available, 1, available); }

// Tiles [first, first + count) of a core's share, cut into blocks of `block`: block `b` of it, clipped to
// the real tiles (`total`).
int64_t block_tiles(int64_t first, int64_t share, int64_t block, int64_t b, int64_t total) {
  const int64_t start = first + b * block;
  const int64_t end = std::min({first + share, start + block, total});
  return std::max<int64_t>(0, end - start);
}

}  // namespace

bool runs_as_chained_matmul(const MapContext& ctx, const Op& op) {
  if (ctx.config.mapper.schedule != Schedule::op_by_op || op.type != OpType::matmul || op.program.kind != "minimal")
    return false;
  const Tensor& a = ctx.graph.input(op, 0);
  const Tensor& b = ctx.graph.input(op, 1);
  // One K x N matrix, and both operands in DRAM (op by op every program's inputs are there).
  return !a.shape.empty() && matrix_shape(b).rows == a.shape.back() && ctx.held[size_t(op.inputs[0])].empty() &&
         ctx.held[size_t(op.inputs[1])].empty();
}

std::vector<std::pair<int, CoreShare>> lower_chained_matmul(MapContext& ctx, int op_index) {
  const Op& op = ctx.graph.ops[size_t(op_index)];
  const Tensor& a = ctx.graph.input(op, 0);
  const Tensor& b = ctx.graph.input(op, 1);
  const ProgramConfig& pc = op.program;
  const int width = ctx.config.chip.compute_width, height = ctx.config.chip.compute_height;
  const int gx = clamp_grid(pc.grid_x, width), gy = clamp_grid(pc.grid_y, height);
  const MatrixShape out = matrix_shape(ctx.graph.output(op));
  const int64_t k = a.shape.back();
  const int64_t m_t = ceil_div(out.rows, kTileDim), n_t = ceil_div(out.cols, kTileDim), k_t = ceil_div(k, kTileDim);
  const int64_t rows_per = ceil_div(m_t, gy), cols_per = ceil_div(n_t, gx);
  const int64_t mb_size = std::max<int64_t>(1, std::min(pc.m_block > 0 ? pc.m_block : rows_per, rows_per));
  const int64_t nb_size = std::max<int64_t>(1, std::min(pc.n_block > 0 ? pc.n_block : cols_per, cols_per));
  const int64_t kb_size = std::max<int64_t>(1, std::min<int64_t>(pc.in0_block_w > 0 ? pc.in0_block_w : 8, k_t));
  const int64_t m_blocks = ceil_div(rows_per, mb_size), n_blocks = ceil_div(cols_per, nb_size);
  const int64_t k_blocks = ceil_div(k_t, kb_size);
  const DataFormat fa = ctx.format_of(a), fb = ctx.format_of(b), fo = ctx.format_of(ctx.graph.output(op));
  const uint32_t ta = tile_bytes(fa), tb = tile_bytes(fb), to = tile_bytes(fo);
  const MatmulFormats formats{fa, fb, fo, ctx.fidelity_of(op)};
  auto core_at = [&](int x, int y) { return y * width + x; };
  auto m_here = [&](int y, int64_t mb) { return block_tiles(y * rows_per, rows_per, mb_size, mb, m_t); };
  auto n_here = [&](int x, int64_t nb) { return block_tiles(x * cols_per, cols_per, nb_size, nb, n_t); };
  auto k_here = [&](int64_t kj) { return std::min(kb_size, k_t - kj * kb_size); };

  // Buffers: the injectors' double-buffered blocks (a read waits for room), the receivers' blocks as they
  // arrive, and the tokens that say an injector's forward has left it.
  struct CoreState {
    int in0 = -1, in1 = -1, in0_sent = -1, in1_sent = -1, bias = -1, out = -1;
    uint64_t in0_level = 0, in1_level = 0, in0_forwards = 0, in1_forwards = 0, out_level = 0;
    uint64_t bias_tiles = 0;
    CoreShare share;
    bool launched = false;
  };
  std::vector<CoreState> cores(size_t(gx * gy));
  int64_t max_in0 = 0, max_in1 = 0;
  for (int64_t kj = 0; kj < k_blocks; ++kj) {
    max_in0 = std::max(max_in0, mb_size * k_here(kj));
    max_in1 = std::max(max_in1, k_here(kj) * nb_size);
  }
  for (int y = 0; y < gy; ++y)
    for (int x = 0; x < gx; ++x) {
      CoreState& s = cores[size_t(y * gx + x)];
      const int core = core_at(x, y);
      s.in0 = ctx.builder.add_buffer(core, "in0:" + op.name, op_index, x == 0 ? uint64_t(2 * max_in0) : 0, ta);
      s.in1 = ctx.builder.add_buffer(core, "in1:" + op.name, op_index, y == 0 ? uint64_t(2 * max_in1) : 0, tb);
      if (x == 0 && gx > 1) s.in0_sent = ctx.builder.add_buffer(core, "in0-sent:" + op.name, op_index, 0, 1);
      if (y == 0 && gy > 1) s.in1_sent = ctx.builder.add_buffer(core, "in1-sent:" + op.name, op_index, 0, 1);
      s.out = ctx.builder.add_buffer(core, "out:" + op.name, op_index, 0, to);
      s.share.out_buffer = s.out;
      s.share.own_bytes = uint64_t(2 * max_in0) * ta + uint64_t(2 * max_in1) * tb;
      // The bias of the core's columns, read once.
      const int64_t cols_here = std::min(n_t, (x + 1) * cols_per) - std::min(n_t, x * cols_per);
      if (op.inputs.size() > 2 && cols_here > 0 && rows_per * y < m_t) {
        const Tensor& bias = ctx.graph.input(op, 2);
        const Region need{0, 1, x * cols_per * kTileDim, std::min(out.cols, (x + 1) * cols_per * kTileDim)};
        s.bias_tiles = uint64_t(cols_here);
        s.bias = ctx.builder.add_buffer(core, "bias:" + op.name, op_index, 0, tile_bytes(ctx.format_of(bias)));
        ctx.builder.dram_read(bias.name + "|" + std::to_string(core), op_index, core, s.bias,
                              s.bias_tiles * tile_bytes(ctx.format_of(bias)), s.bias_tiles, false,
                              ctx.prefetch_gate(core, op_index), -1, 0);
        s.share.own_bytes += region_bytes(need, ctx.format_of(bias));
      }
    }

  for (int64_t mb = 0; mb < m_blocks; ++mb)
    for (int64_t nb = 0; nb < n_blocks; ++nb)
      for (int64_t kj = 0; kj < k_blocks; ++kj) {
        const int64_t kh = k_here(kj);
        const int64_t block = (mb * n_blocks + nb) * k_blocks + kj;
        for (int y = 0; y < gy; ++y)
          for (int x = 0; x < gx; ++x) {
            CoreState& s = cores[size_t(y * gx + x)];
            const int core = core_at(x, y);
            const int64_t mh = m_here(y, mb), nh = n_here(x, nb);
            const uint64_t in0_tiles = uint64_t(mh * kh), in1_tiles = uint64_t(kh * nh);
            const std::string id = "|" + std::to_string(core) + "|" + std::to_string(block);
            // in0 along the row: read by the first core, then core to core.
            if (in0_tiles) {
              if (x == 0) {
                std::vector<BufferLevel> waits = ctx.prefetch_gate(core, op_index);
                if (s.in0_sent >= 0) waits.push_back({s.in0_sent, s.in0_forwards});
                ctx.builder.dram_read(a.name + id, op_index, core, s.in0, in0_tiles * ta, in0_tiles, true, waits,
                                      2 * block, 1);
              }
              s.in0_level += in0_tiles;
            }
            // in1 down the column.
            if (in1_tiles) {
              if (y == 0) {
                std::vector<BufferLevel> waits = ctx.prefetch_gate(core, op_index);
                if (s.in1_sent >= 0) waits.push_back({s.in1_sent, s.in1_forwards});
                ctx.builder.dram_read(b.name + id, op_index, core, s.in1, in1_tiles * tb, in1_tiles, true, waits,
                                      2 * block + 1, 2);
                s.share.weight_bytes += in1_tiles * tb;
              }
              s.in1_level += in1_tiles;
              if (y + 1 < gy) {
                CoreState& next = cores[size_t((y + 1) * gx + x)];
                ctx.builder.forward(op_index, core, {s.in1, s.in1_level}, in1_tiles * tb, in1_tiles,
                                    core_at(x, y + 1), next.in1, y == 0 ? BufferLevel{s.in1_sent, ++s.in1_forwards}
                                                                        : BufferLevel{});
              }
            }
            if (in0_tiles && x + 1 < gx) {
              CoreState& next = cores[size_t(y * gx + x + 1)];
              ctx.builder.forward(op_index, core, {s.in0, s.in0_level}, in0_tiles * ta, in0_tiles, core_at(x + 1, y),
                                  next.in0, x == 0 ? BufferLevel{s.in0_sent, ++s.in0_forwards} : BufferLevel{});
            }
            // The block's compute: the core's part of the output block over this K block. A core with no
            // part still takes the blocks in and releases them, as tt-metal's kernel loops over its range.
            ComputeCmd cmd;
            cmd.op = op_index;
            cmd.launches_kernel = !s.launched;
            s.launched = true;
            if (in0_tiles) {
              cmd.waits.push_back({s.in0, s.in0_level});
              cmd.pops.push_back({s.in0, in0_tiles});
            }
            if (in1_tiles) {
              cmd.waits.push_back({s.in1, s.in1_level});
              cmd.pops.push_back({s.in1, in1_tiles});
            }
            if (s.bias >= 0) cmd.waits.push_back({s.bias, s.bias_tiles});
            if (mh > 0 && nh > 0) {
              const int64_t r0 = (y * rows_per + mb * mb_size) * kTileDim, c0 = (x * cols_per + nb * nb_size) * kTileDim;
              const Region block_out{r0, std::min(out.rows, r0 + mh * kTileDim), c0, std::min(out.cols, c0 + nh * kTileDim)};
              const bool last_k = kj == k_blocks - 1;
              const int64_t k_elems = std::min<int64_t>(kh * kTileDim, k - kj * kb_size * kTileDim);
              fill_matmul_block(cmd, {mh, nh, kh, kj, k_blocks, block_out, k_elems}, formats);
              s.share.macs += int64_t(cmd.macs);
              if (last_k) {
                cmd.out_buffer = s.out;
                cmd.out_tiles = uint64_t(region_tiles(block_out));
                s.out_level += cmd.out_tiles;
                s.share.pieces.emplace_back(block_out, s.out_level);
              }
            }
            ctx.builder.compute(core, cmd);
          }
      }

  std::vector<std::pair<int, CoreShare>> shares;
  const uint64_t sram = ctx.config.core.sram_bytes();
  for (int y = 0; y < gy; ++y)
    for (int x = 0; x < gx; ++x) {
      CoreState& s = cores[size_t(y * gx + x)];
      s.share.out_tiles = s.out_level;
      // The output stays whole until it is written back: the core's writer is busy forwarding until then.
      s.share.own_bytes += s.out_level * to;
      s.share.whole_output = true;
      if (s.share.own_bytes > sram) {
        s.share.fits = false;
        s.share.note = "working set exceeds SRAM at the program config's blocks";
      }
      shares.emplace_back(core_at(x, y), std::move(s.share));
    }
  return shares;
}

}  // namespace tessera
