#pragma once
// One K block of a core's output block in a matmul run as a tt-metal program config (the chained and the
// multicast lowerings): both operands unpacked (and the partial sums spilled between K blocks, when they
// overflow the destination registers), the tile matmul, and the pack on the last K block.
#include <algorithm>
#include <cstdint>

#include "sim/base/data_format.h"
#include "sim/workload/matrix_view.h"
#include "sim/program/plan.h"

namespace tessera {

struct MatmulBlock {
  int64_t m_tiles = 0, n_tiles = 0, k_tiles = 0;
  int64_t k_index = 0, k_blocks = 1;  // which K block this is, of how many
  Region out;                         // the output block (its rows may not fill the last tile)
  int64_t k_elements = 0;             // K values this block sums over
};

struct MatmulFormats {
  DataFormat a = DataFormat::bf16, b = DataFormat::bf16, out = DataFormat::bf16;
  Fidelity fidelity = Fidelity::hifi2;
};

// Sets the block's unpack, math, pack and MAC counts on `cmd`; waits, pops and outputs are the caller's.
inline void fill_matmul_block(ComputeCmd& cmd, const MatmulBlock& blk, const MatmulFormats& f) {
  const uint64_t mh = uint64_t(blk.m_tiles), nh = uint64_t(blk.n_tiles), kh = uint64_t(blk.k_tiles);
  const uint32_t ta = tile_bytes(f.a), tb = tile_bytes(f.b), to = tile_bytes(f.out);
  const bool spill = mh * nh > 8 && blk.k_blocks > 1;
  cmd.unpack = {{mh * kh * ta, f.a == DataFormat::bfp2},
                {kh * nh * tb, f.b == DataFormat::bfp2},
                {spill && blk.k_index > 0 ? mh * nh * to : 0, false}};
  cmd.math.kind = MathKind::matmul;
  cmd.math.fidelity = f.fidelity;
  cmd.math.m_tiles = mh;
  cmd.math.n_tiles = nh;
  cmd.math.k_tiles = kh;
  cmd.math.batches = 1;
  cmd.math.rows_per_m_tile = uint32_t(std::min<int64_t>(blk.out.rows(), kTileDim));
  cmd.math.live_fraction = 1.0;
  if (blk.k_index == blk.k_blocks - 1 || spill) cmd.pack_bytes = mh * nh * to;
  cmd.stream_tiles = mh * nh * kh;
  cmd.macs = uint64_t(blk.out.elements() * blk.k_elements);
}

}  // namespace tessera
