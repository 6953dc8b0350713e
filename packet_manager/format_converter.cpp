#include "packet_manager/format_converter.h"

#include <algorithm>
#include <stdexcept>

#include "core/compute_costs.h"

namespace tessera {

uint64_t converted_tile_bytes(DataFormat to, uint64_t tiles) { return tiles * tile_bytes(to); }

uint64_t converted_bytes(DataFormat from, DataFormat to, uint64_t bytes) {
  const uint64_t from_tile = tile_bytes(from), to_tile = tile_bytes(to);
  return (bytes * to_tile + from_tile - 1) / from_tile;
}

uint64_t core_conversion_cycles(const CoreConfig& core, DataFormat from, DataFormat to, uint64_t tiles) {
  if (tiles == 0) return 0;
  const ComputeCosts costs(core);
  const uint64_t unpack_per_tile = costs.unpack_cycles(tile_bytes(from), from == DataFormat::bfp2);
  const uint64_t pack_per_tile = costs.pack_cycles(tile_bytes(to));
  return std::min(unpack_per_tile, pack_per_tile) + tiles * std::max(unpack_per_tile, pack_per_tile);
}

uint64_t engine_conversion_cycles(DataFormat from, DataFormat to, uint64_t input_bytes, uint32_t bytes_per_cycle) {
  if (bytes_per_cycle == 0) throw std::invalid_argument("format conversion rate must be positive");
  const uint64_t moved = std::max(input_bytes, converted_bytes(from, to, input_bytes));
  return (moved + bytes_per_cycle - 1) / bytes_per_cycle;
}

}  // namespace tessera
