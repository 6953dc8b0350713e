// Convs and matmuls as blocked tile matmuls: the output share of a core splits into sub-blocks that fit
// SRAM, and the reduction (K) streams through in chunks. For a conv the A operand is the im2col patch
// matrix, gathered chunk by chunk from the resident input by the reshape engine, never whole in SRAM.
#include <algorithm>
#include <cmath>

#include "packet_manager/reshaper.h"
#include "sim/mapper/input_regions.h"
#include "sim/mapper/lowering.h"
#include "sim/workload/op_shapes.h"

namespace tessera {
namespace {

struct MatmulShape {
  int64_t k_elements = 0;    // reduction length per output element
  int64_t macs = 0;          // executed on this core
  bool gather = false;       // A is an im2col patch matrix built from the input
  bool a_resident = true;    // A comes from cores (activations); else from DRAM in chunks
  bool b_weight = true;      // B is a weight in DRAM; else an activation from cores
  int b_input = 1;
};

MatmulShape shape_of(const Graph& g, const Op& op, const Region& out) {
  MatmulShape s;
  if (op.type == OpType::conv2d) {
    const ConvGeometry c = conv_geometry(g, op);
    s.k_elements = (c.c / c.groups) * c.kh * c.kw;
    s.gather = !(c.kh == 1 && c.kw == 1 && c.sh == 1 && c.sw == 1 && c.pad_top == 0 && c.pad_left == 0);
  } else if (op.type == OpType::conv_transpose2d) {
    const ConvGeometry c = conv_geometry(g, op);
    // Each output pixel receives kh*kw/(sh*sw) taps of every input channel.
    s.k_elements = std::max<int64_t>(1, (c.c / c.groups) * c.kh * c.kw / (c.sh * c.sw));
    s.gather = true;
  } else {
    s.k_elements = g.input(op, 0).shape.back();
    s.a_resident = g.input(op, 0).kind == TensorKind::activation;
    s.b_weight = g.input(op, 1).kind != TensorKind::activation;
  }
  s.macs = out.elements() * s.k_elements;
  return s;
}

}  // namespace

CoreShare lower_matrix(MapContext& ctx, int op_index, int core, const Region& out) {
  const Op& op = ctx.graph.ops[op_index];
  const Tensor& a = ctx.graph.input(op, 0);
  const Tensor& b = ctx.graph.input(op, 1);
  const MatmulShape s = shape_of(ctx.graph, op, out);
  const DataFormat fa = ctx.format_of(a), fb = ctx.format_of(b), fo = ctx.format_of(ctx.graph.output(op));
  const Fidelity fid = ctx.fidelity_of(op);
  const uint32_t ta = tile_bytes(fa), tb = tile_bytes(fb), to = tile_bytes(fo);
  const int64_t m_t = ceil_div(out.rows(), kTileDim), n_t = ceil_div(out.cols(), kTileDim);
  const int64_t k_t = ceil_div(s.k_elements, kTileDim);
  const uint32_t rows_per_tile = uint32_t(std::min<int64_t>(out.rows(), kTileDim));
  const double a_live = 1.0 - ctx.zero_tile_fraction(a);
  const std::vector<Region> need = needed_input_regions(ctx.graph, op, out);
  CoreShare share;
  share.macs = s.macs;
  share.conv_algorithm = op.type == OpType::matmul ? "" : "im2col";

  // Operands that stay whole in SRAM: activations, and the bias.
  OperandFetch a_res, b_res, bias;
  if (s.a_resident) a_res = ctx.fetch_resident(op_index, 0, core, need[0], "in0");
  if (!s.b_weight) b_res = ctx.fetch_resident(op_index, 1, core, need[1], "in1");
  if (op.inputs.size() > 2) bias = ctx.fetch_resident(op_index, 2, core, need[2], "bias");

  // Sub-blocks and K chunks sized so that the working set fits what SRAM has left.
  const uint64_t sram = ctx.config.core.sram_bytes();
  const uint64_t fixed = a_res.bytes + b_res.bytes + bias.bytes;
  const uint64_t budget = sram > fixed ? (sram - fixed) * 9 / 10 : 0;
  int64_t ms = m_t, ns = n_t, kb = std::min<int64_t>(k_t, 8);
  auto working = [&](int64_t m, int64_t n, int64_t k) {
    const uint64_t out_bytes = uint64_t(m * n) * to * (k < k_t && m * n > 8 ? 2 : 1);
    const uint64_t a_chunk = (s.gather || !s.a_resident) ? 2 * uint64_t(m * k) * ta : 0;
    const uint64_t b_chunk = s.b_weight ? 2 * uint64_t(k * n) * tb : 0;
    return out_bytes + a_chunk + b_chunk;
  };
  while (working(ms, ns, kb) > budget && (ms > 1 || ns > 1 || kb > 1)) {
    if (kb > 2) kb = (kb + 1) / 2;
    else if (ms >= ns && ms > 1) ms = (ms + 1) / 2;
    else if (ns > 1) ns = (ns + 1) / 2;
    else kb = 1;
  }
  const int64_t m_blocks = ceil_div(m_t, ms), n_blocks = ceil_div(n_t, ns), k_chunks = ceil_div(k_t, kb);
  // Weights stay resident across sub-blocks when they fit beside everything else; else they stream again.
  const uint64_t weight_total = uint64_t(k_t * n_t) * tb;
  const bool weights_resident = s.b_weight && (m_blocks == 1 || weight_total + working(ms, ns, kb) <= budget);
  if (fixed + working(ms, ns, kb) > sram)
    share.note = "working set exceeds SRAM even at 1x1 tile blocks";

  const int a_stream =
      !s.a_resident ? ctx.builder.add_buffer(core, "in0:" + op.name, op_index, uint64_t(2 * ms * kb), ta) : -1;
  const int b_stream = s.b_weight ? ctx.builder.add_buffer(core, "weight:" + op.name, op_index,
                                                           weights_resident ? 0 : uint64_t(2 * kb * ns), tb)
                                  : -1;
  const int out_buffer = ctx.builder.add_buffer(core, "out:" + op.name, op_index, 0, to);
  share.out_buffer = out_buffer;
  share.own_bytes = working(ms, ns, kb) + (weights_resident ? weight_total : 0);

  const PacketManagerConfig& pm = ctx.config.packet_manager;
  uint64_t a_level = 0, b_level = 0, out_level = 0;
  // Level of the resident weight buffer once chunk (ni, kj) has arrived, recorded on the first sub-block.
  std::vector<uint64_t> resident_level(size_t(n_blocks * k_chunks), 0);
  int64_t macs_left = s.macs;
  const int64_t blocks_total = m_blocks * n_blocks * k_chunks;
  int64_t block_index = 0;
  for (int64_t mi = 0; mi < m_blocks; ++mi) {
    const int64_t m_here = std::min(ms, m_t - mi * ms);
    for (int64_t ni = 0; ni < n_blocks; ++ni) {
      const int64_t n_here = std::min(ns, n_t - ni * ns);
      for (int64_t kj = 0; kj < k_chunks; ++kj, ++block_index) {
        const int64_t k_here = std::min(kb, k_t - kj * kb);
        const bool last_k = kj == k_chunks - 1;
        ComputeCmd cmd;
        cmd.op = op_index;
        if (block_index == 0) cmd.launch_cycles = ctx.costs.kernel_launch_cycles();
        for (const OperandFetch* f : {&a_res, &b_res, &bias})
          cmd.waits.insert(cmd.waits.end(), f->waits.begin(), f->waits.end());
        const uint64_t a_chunk_tiles = uint64_t(m_here * k_here);
        const uint64_t b_chunk_tiles = uint64_t(k_here * n_here);
        if (!s.a_resident) {
          // A streams from DRAM: each chunk once per sub-block that needs it.
          ctx.builder.dram_read(a.name + "|" + std::to_string(out.r0) + "|" + std::to_string(mi) + "|" +
                                    std::to_string(ni) + "|" + std::to_string(kj),
                                op_index, core, a_stream, uint64_t(std::ceil(a_chunk_tiles * ta * a_live)),
                                a_chunk_tiles, true, ctx.prefetch_gate(core));
          a_level += a_chunk_tiles;
          cmd.waits.push_back({a_stream, a_level});
          cmd.pops.push_back({a_stream, a_chunk_tiles});
        }
        if (s.b_weight && (!weights_resident || mi == 0)) {
          // The same weight chunk serves every core with the same output columns: one multicast read.
          const std::string key = b.name + "|" + std::to_string(out.c0) + "|" + std::to_string(ni) + "|" +
                                  std::to_string(kj) + (weights_resident ? "" : "|" + std::to_string(mi));
          ctx.builder.dram_read(key, op_index, core, b_stream, b_chunk_tiles * tb, b_chunk_tiles, !weights_resident,
                                ctx.prefetch_gate(core));
          share.weight_bytes += b_chunk_tiles * tb;
        }
        if (s.b_weight) {
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
        uint64_t unpack_bytes = uint64_t(std::ceil(a_chunk_tiles * ta * a_live)) + b_chunk_tiles * tb;
        if (s.gather) {
          const uint64_t gathered = uint64_t(std::ceil(a_chunk_tiles * ta * a_live));
          cmd.reshape_on_core = !pm.reshape_engine;
          cmd.reshape_bytes = gathered;
          cmd.reshape_cycles = pm.reshape_engine ? reshape_engine_cycles(pm, ReshapeKind::im2col, gathered)
                                                 : reshape_on_core_cycles(ctx.config.core, ReshapeKind::im2col, gathered);
        }
        // Partial sums that do not fit the destination registers go back to SRAM between chunks.
        const bool spill_partials = m_here * n_here > 8 && k_chunks > 1;
        if (spill_partials && kj > 0) unpack_bytes += uint64_t(m_here * n_here) * to;
        cmd.unpack_cycles = ctx.costs.unpack_cycles(unpack_bytes, a_res.compressed || fa == DataFormat::bfp2);
        cmd.unpack_bytes = unpack_bytes;
        cmd.math_cycles = uint64_t(std::ceil(
            ctx.costs.matmul_cycles(m_here, n_here, k_here, fid, rows_per_tile) * a_live));
        if (last_k || spill_partials) {
          cmd.pack_bytes = uint64_t(m_here * n_here) * to;
          cmd.pack_cycles = ctx.costs.pack_cycles(cmd.pack_bytes);
        }
        cmd.stream_tiles = uint64_t(m_here * n_here * k_here);
        cmd.macs = uint64_t(macs_left / (blocks_total - block_index));
        macs_left -= int64_t(cmd.macs);
        if (last_k) {
          cmd.out_buffer = out_buffer;
          cmd.out_tiles = uint64_t(m_here * n_here);
          out_level += cmd.out_tiles;
        }
        ctx.builder.compute(core, cmd);
      }
    }
  }
  share.out_tiles = out_level;
  return share;
}

double estimate_tile_cycles(const MapContext& ctx, const Op& op) {
  const Fidelity fid = ctx.fidelity_of(op);
  switch (op_class(op.type)) {
    case OpClass::matrix: {
      const Region any{0, kTileDim, 0, kTileDim};
      const int64_t k_t = ceil_div(shape_of(ctx.graph, op, any).k_elements, kTileDim);
      return double(ctx.costs.matmul_cycles(1, 1, k_t, fid));
    }
    case OpClass::eltwise: return double(ctx.costs.eltwise_cycles("add", 1, fid));
    case OpClass::pool: return double(ctx.costs.reduce_cycles(9));
    default: return 64.0;
  }
}

}  // namespace tessera
