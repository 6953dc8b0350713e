#pragma once
// The Tensix-like core's slice of the architecture config (JSON section "core").
#include <array>
#include <cstdint>
#include <map>
#include <string>

#include "sim/base/data_format.h"

namespace tessera {

struct CoreConfig {
  uint32_t sram_kib = 1024;
  uint32_t sram_read_bytes_per_cycle = 256;
  uint32_t sram_write_bytes_per_cycle = 256;
  // Matrix unit: cycles per 32x32x32 tile matmul, indexed by Fidelity (lofi, hifi2, hifi3, hifi4).
  std::array<uint32_t, 4> matmul_cycles_per_tile{16, 32, 48, 64};
  // The matrix unit works on 8-row passes: a tile with fewer rows still costs a full pass.
  uint32_t matmul_min_rows = 8;
  // Element-wise add and mul of two tiles on the matrix unit at LoFi (mul repeats per fidelity phase).
  uint32_t eltwise_add_cycles_per_tile = 8;
  uint32_t eltwise_mul_cycles_per_tile = 8;
  // Reductions (pooling, sums) on the matrix unit, per input tile.
  uint32_t reduce_cycles_per_tile = 16;
  // Vector unit (32 lanes): cycles per tile for each function; keys are op types and pieces
  // (relu, relu6, silu, sigmoid, gelu, hardsigmoid, hardswish, exp, tanh, recip, max, copy).
  std::map<std::string, uint32_t> vector_cycles_per_tile;
  // Unpackers (SRAM to engine) and packers (engine to SRAM).
  uint32_t unpack_bytes_per_cycle = 64;
  uint32_t unpack_compressed_bytes_per_cycle = 16;
  uint32_t pack_bytes_per_cycle = 64;
  // Cost for the control cores to start one kernel (one op) on a core.
  uint32_t kernel_launch_cycles = 400;
  // The compute kernel's own synchronisation (docs/core.md, "Compute kernel steps"): each tile through one
  // LLK call costs llk_tile_cycles of circular-buffer and Dst handshakes between the unpack, math and pack
  // threads; each pass (an LLK init with its data-format reconfiguration, draining the threads before the
  // next dependent pass) costs llk_pass_cycles. Defaults: the Wormhole values, set from the CLIP
  // profile's layernorm (tile calls) and softmax (passes) rows.
  uint32_t llk_tile_cycles = 20;
  uint32_t llk_pass_cycles = 2500;
  // L1 copy rates for data-movement work done by the core itself (reshapes without a reshape engine):
  // the mover copies l1_mover_bytes per l1_mover_cycles; a RISC-V core stores one word per store cycles.
  uint32_t l1_mover_bytes = 128;
  uint32_t l1_mover_cycles = 11;
  uint32_t riscv_l1_store_bytes = 4;
  uint32_t riscv_l1_store_cycles = 5;

  uint64_t sram_bytes() const { return uint64_t(sram_kib) * 1024; }
};

}  // namespace tessera
