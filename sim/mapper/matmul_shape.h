#pragma once
// The blocked tile matmul a core runs for its share of a conv or matmul, whatever the op and algorithm.
#include <cstdint>

namespace tessera {

struct MatmulShape {
  int64_t a_rows = 0;        // rows of A: output pixels, or Winograd tiles
  int64_t k_t = 0;           // reduction tiles
  int64_t batches = 1;       // independent products of the same shape (alpha^2 for Winograd)
  int64_t macs = 0;          // multiply-accumulates executed
  bool gather = false;       // A is an im2col patch matrix built by the reshape engine
  uint64_t reads_per_row = 0;  // sliding window: the gather's reads per output pixel (one per kernel row)
  bool tilizes_patches = false;  // sliding window: the compute kernel tilizes the row-major patches first
  bool a_resident = true;    // A comes from cores (activations); else streamed from DRAM
  bool b_weight = true;      // B is a weight in DRAM; else an activation from cores
  uint64_t transform_in_ops = 0;   // Winograd: vector ops per (A row, input channel)
  uint64_t transform_out_ops = 0;  // Winograd: vector ops per (A row, output channel)
};

}  // namespace tessera
