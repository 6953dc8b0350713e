#pragma once
// What a compute block asks of the engines, in units of work (tiles, bytes, a function, a fidelity),
// never in cycles: each engine prices its own work from its config when it runs (core/ for unpack, math
// and pack; packet_manager/ for gathers and layout changes). The mapper calls the same cost functions
// for its estimates, so estimate and simulation cannot drift apart.
#include <cstdint>
#include <string>

#include "sim/base/data_format.h"

namespace tessera {

// Layout changes between SRAM and the engines: done by the packet manager's reshape engine when the chip
// has one, else by the core itself.
enum class ReshapeKind { transpose, flatten, tilize, untilize, im2col };
const char* to_string(ReshapeKind kind);

struct ReshapeWork {
  ReshapeKind kind = ReshapeKind::flatten;
  uint64_t bytes = 0;             // bytes of reshaped data produced (0: the block has no reshape)
  uint64_t compressed_bytes = 0;  // compressed input the gather decompresses on the way (0: none)
  // A gather made of separate reads (tt-metal's conv reader: one per kernel row of each output pixel), each
  // costing the reading RISC-V its call (0: the bytes stream).
  uint64_t reads = 0;
  // The gathered block goes into a buffer that holds one block: the gather waits until the block before it
  // has been consumed (tt-metal's activation buffer without double buffering).
  bool single_buffered = false;
  // The compute kernel starts on the block once all of it is gathered (it waits for the whole block in its
  // buffer) rather than a tile behind the gather.
  bool whole_block = false;
  // The bytes move as the core's own NoC writes (tt-metal's halo gather kernel writes each run of sticks
  // with noc_async_write, locally or to the neighbour): they leave through the outbound DMA at its SRAM
  // read rate rather than through the reshape engine.
  bool noc_writes = false;
};

// One operand's bytes through the unpackers. Compressed data and BFP2 unpack at the slower x1 rate.
struct UnpackRead {
  uint64_t bytes = 0;
  bool slow = false;
};

enum class MathKind { none, matmul, eltwise, vector, reduce, softmax, layernorm, rmsnorm, groupnorm, topk, combine };
const char* to_string(MathKind kind);

struct MathWork {
  MathKind kind = MathKind::none;
  Fidelity fidelity = Fidelity::hifi2;
  // matmul: batches x (m_tiles x n_tiles outputs, each over k_tiles products); rows_per_m_tile < 32 for
  // short activations; live_fraction of the A tiles are not all zero (the rest are skipped).
  uint64_t m_tiles = 0, n_tiles = 0, k_tiles = 0, batches = 1;
  uint32_t rows_per_m_tile = kTileDim;
  double live_fraction = 1.0;
  // Vector-unit lane operations on top of the matmul (Winograd transforms), 32 lanes per cycle.
  uint64_t vector_lane_ops = 0;
  // eltwise (add, sub, mul, div) and vector functions (relu, exp, max, ...): `function` over `tiles`
  // output tiles, each reading `window` input tiles (pool windows; 1 otherwise). reduce: `tiles` x
  // `window` input tiles. softmax, norms, topk: rows of `tiles_per_row` tiles. groupnorm: rows of
  // `tiles_per_row` tiles, each tile row visited `window` times (its groups x the tiles a group spans).
  // combine: a weighted sum.
  std::string function;
  uint64_t tiles = 0;
  uint64_t window = 1;
  uint64_t tiles_per_row = 1;
  // Bytes of operand tiles a RISC-V core writes word by word before the kernel's first tile call (a
  // scalar operand broadcast into a whole tile, as tt-metal's binary kernels with a scalar do).
  uint64_t filled_tile_bytes = 0;
};

}  // namespace tessera
