#include "packet_manager/reshaper.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace tessera {
namespace {

uint64_t ceil_div(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

uint64_t cycles_at(uint64_t bytes, uint64_t bytes_per_step, uint64_t cycles_per_step) {
  if (bytes_per_step == 0) throw std::invalid_argument("reshape rate must be positive");
  return ceil_div(bytes * cycles_per_step, bytes_per_step);
}

}  // namespace

uint64_t reshape_engine_cycles(const PacketManagerConfig& config, ReshapeKind, uint64_t bytes) {
  // The engine reads and writes each byte once whatever the permutation: its address generator does the
  // reordering, so every kind streams at the configured rate.
  return cycles_at(bytes, config.reshape_bytes_per_cycle, 1);
}

uint64_t reshape_engine_cycles(const PacketManagerConfig& config, const ReshapeWork& work) {
  if (work.bytes == 0) return 0;
  // A gather of separate reads is bound by the reading RISC-V's calls when they cost more than the bytes.
  const uint64_t move = work.noc_writes ? cycles_at(work.bytes, config.dma_read_bytes_per_cycle, 1)
                                        : reshape_engine_cycles(config, work.kind, work.bytes);
  const uint64_t layout = std::max(move, work.reads * config.engine.riscv_local_read_cycles);
  if (work.compressed_bytes == 0) return layout;
  return std::max(layout, cycles_at(work.compressed_bytes, config.decompress_bytes_per_cycle, 1));
}

uint64_t im2col_gather_bytes(uint64_t patch_rows, uint32_t kernel_h, uint32_t kernel_w, uint32_t channels_per_group,
                             uint32_t groups, DataFormat format, bool pad_to_tiles) {
  const uint64_t columns = uint64_t(kernel_h) * kernel_w * channels_per_group;
  if (pad_to_tiles) {
    const uint64_t tiles_per_group = ceil_div(patch_rows, kTileDim) * ceil_div(columns, kTileDim);
    return tiles_per_group * groups * tile_bytes(format);
  }
  const double bytes = double(patch_rows) * double(columns) * groups * bytes_per_element(format);
  return uint64_t(std::ceil(bytes));
}

}  // namespace tessera
