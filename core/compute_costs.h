#pragma once
// Cycle costs of the compute engine's pieces: matrix unit, vector unit, unpackers and packers.
// Pure functions of the core config; the program executor turns them into busy time.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/core_config.h"
#include "sim/base/data_format.h"
#include "sim/program/work.h"

namespace tessera {

// Vector-unit cycles per 32x32 tile for each function, counted as (instructions per 32-lane row) x 32 rows.
// The config's vector_cycles_per_tile is merged over these.
std::map<std::string, uint32_t> default_vector_cycles_per_tile();

// What a block asks of the compute kernel's threads besides the engines' work: tiles through LLK calls
// (each with its circular-buffer and Dst handshakes) and passes (an LLK init with its data-format
// reconfiguration; a dependent pass waits for the one before to drain through L1).
struct KernelSteps {
  uint64_t tile_calls = 0;
  uint64_t passes = 0;
  uint64_t filled_bytes = 0;  // operand tiles a RISC-V fills word by word before the first call
};

class ComputeCosts {
 public:
  explicit ComputeCosts(const CoreConfig& config);

  // Matrix-unit cycles for m_tiles x n_tiles output tiles, each accumulating k_tiles 32x32x32 products.
  // A tile is 4 passes of 8 rows; rows_per_m_tile < 32 costs ceil(rows/8) passes, never fewer than
  // CoreConfig::matmul_min_rows rows' worth.
  uint64_t matmul_cycles(uint64_t m_tiles, uint64_t n_tiles, uint64_t k_tiles, Fidelity fidelity,
                         uint32_t rows_per_m_tile = 32) const;
  // Element-wise binary op ("add", "sub", "mul", "div") over `tiles` output tiles on the matrix unit.
  uint64_t eltwise_cycles(const std::string& op, uint64_t tiles, Fidelity fidelity) const;
  // Vector-unit function over `tiles` tiles. Unknown name -> std::invalid_argument.
  uint64_t vector_cycles(const std::string& function, uint64_t tiles) const;
  // Row-wise softmax over `tiles` tiles, rows of `tiles_per_row` tiles (the reciprocal runs once per row).
  uint64_t softmax_cycles(uint64_t tiles, uint64_t tiles_per_row = 1, Fidelity fidelity = Fidelity::hifi4) const;
  // Layernorm (rms = false) or RMSNorm over `tiles` tiles, rows of `tiles_per_row` tiles.
  // Group norm over rows of tiles_per_row tiles, each tile row visited `visits` times (see the .cpp).
  uint64_t groupnorm_cycles(uint64_t tiles, uint64_t tiles_per_row, uint64_t visits, Fidelity fidelity) const;
  uint64_t norm_cycles(uint64_t tiles, bool rms, uint64_t tiles_per_row = 1,
                       Fidelity fidelity = Fidelity::hifi4) const;
  // Reductions (pool windows, sums) on the matrix unit: `input_tiles` tiles read.
  uint64_t reduce_cycles(uint64_t input_tiles) const;
  // Unpack (SRAM -> engine) of `bytes`; compressed data and bfp2 unpack at most at the x1 rate. The
  // unpackers never read faster than the SRAM read port gives (core.sram_read_bytes_per_cycle).
  uint64_t unpack_cycles(uint64_t bytes, bool compressed_or_bfp2) const;
  // Pack (engine -> SRAM) of `bytes`, including format conversion and fused ReLU at no extra cost, never
  // faster than the SRAM write port takes (core.sram_write_bytes_per_cycle).
  uint64_t pack_cycles(uint64_t bytes) const;
  uint64_t kernel_launch_cycles() const;
  // The steps of tt-metal's compute kernel for a block of `work` (see the .cpp for each kind's passes).
  // `stream_tiles` counts the tiles of a layout change (tilize, untilize: one LLK call per tile);
  // `launches_kernel` adds the kernel's own first pass (its hardware start-up and first init).
  KernelSteps kernel_steps(const MathWork& work, const ReshapeWork& reshape, uint64_t stream_tiles,
                           bool launches_kernel) const;
  // Cycles the math thread spends on those steps: tile calls x llk_tile_cycles + passes x llk_pass_cycles
  // + the filled bytes at one riscv_l1_store_bytes word per riscv_l1_store_cycles.
  uint64_t kernel_step_cycles(const KernelSteps& steps) const;

  // The engines' prices for one block's work, as the compute pipeline charges them.
  uint64_t math_cycles(const MathWork& work) const;
  uint64_t unpack_cycles(const std::vector<UnpackRead>& reads) const;
  // A gather or layout change done by the core itself (no reshape engine): the L1 mover copies runs, a
  // RISC-V stores a transpose word by word, and compressed input is decompressed by the unpacker's x1 path.
  uint64_t reshape_cycles(const ReshapeWork& work) const;
  // Peak FLOP per cycle of the matrix unit at this fidelity (2 x 32^3 / cycles per tile).
  double peak_flops_per_cycle(Fidelity fidelity) const;

  const CoreConfig& config() const { return config_; }

 private:
  uint64_t vector_cycles_per_tile(const std::string& function) const;

  CoreConfig config_;
  std::map<std::string, uint32_t> vector_cycles_per_tile_;
};

// Cycles for the core to reshape `bytes` itself (see ComputeCosts::reshape_cycles).
uint64_t reshape_on_core_cycles(const CoreConfig& config, ReshapeKind kind, uint64_t bytes);

}  // namespace tessera
