#pragma once
// The packet manager's slice of the architecture config (JSON section "packet_manager").
#include <cstdint>

#include "packet_manager/data_movement_engine.h"

namespace tessera {

struct PacketManagerConfig {
  // DMA engines between SRAM and the NoC, one each way.
  uint32_t dma_read_bytes_per_cycle = 32;   // SRAM -> NoC packets
  uint32_t dma_write_bytes_per_cycle = 32;  // NoC packets -> SRAM
  // Zero-run-length compression of data sent over the NoC and to DRAM.
  bool compression = false;
  uint32_t compress_bytes_per_cycle = 32;
  uint32_t decompress_bytes_per_cycle = 16;
  // Datums per compression row (each row keeps its first and last datum and has a 16-bit start index).
  uint32_t compression_row_datums = 64;
  // Density assumed for tensors whose trace gives none (e.g. after ReLU about half are zero).
  double default_density = 1.0;
  // Reshape engine: transpose, flatten, tilize/untilize and im2col gathers. When absent the same work runs
  // on the core's compute resources.
  bool reshape_engine = true;
  uint32_t reshape_bytes_per_cycle = 32;
  // How RISC-V kernels drive the NoC: per-call issue cost, NIU read credits, request/response packets
  // (JSON sub-section "packet_manager.engine"; calibrated against silicon NoC traces, docs/validation.md).
  DataMovementEngineConfig engine;
};

}  // namespace tessera
