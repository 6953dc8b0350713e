#include "sim/mapper/map_context.h"

#include <algorithm>
#include <cmath>

#include "packet_manager/compression.h"

namespace tessera {

MapContext::MapContext(const ArchConfig& c, const Graph& g, Plan& p)
    : config(c), graph(g), plan(p), costs(c.core), builder(c, p) {
  core_count = int(plan.cores.size());
  held.resize(graph.tensors.size());
  ops_on_core.assign(plan.cores.size(), 0);
  resident.assign(plan.cores.size(), std::vector<uint64_t>(graph.ops.size() + 1, 0));
}

DataFormat MapContext::format_of(const Tensor& t) const {
  if (t.format) return *t.format;
  if (t.producer >= 0 && graph.ops[t.producer].format) return *graph.ops[t.producer].format;
  return config.mapper.default_format;
}

DataFormat MapContext::math_format(const Op& op) const {
  return op.format ? *op.format : format_of(graph.output(op));
}

Fidelity MapContext::fidelity_of(const Op& op) const {
  return op.fidelity ? *op.fidelity : config.mapper.default_fidelity;
}

double MapContext::zero_tile_fraction(const Tensor& t) const {
  // A tile is all zero by chance only when nearly every value is: (1 - density)^1024.
  const double by_chance = std::pow(1.0 - t.density, double(kTileElements));
  return std::min(1.0, std::max(t.zero_tiles, by_chance));
}

void MapContext::hold_sram(int core, int from, int to, uint64_t bytes) {
  for (int s = std::max(from, 0); s <= to; ++s) resident[core][s] += bytes;
}

OperandFetch MapContext::fetch_resident(int op_index, int input, int core, const Region& region,
                                        const std::string& label) {
  const Op& op = graph.ops[op_index];
  const Tensor& t = graph.input(op, input);
  const DataFormat f = format_of(t);
  OperandFetch fetch;
  fetch.buffer = builder.add_buffer(core, label + ":" + op.name, op_index, 0, tile_bytes(f));
  if (region.empty()) return fetch;
  const double live = 1.0 - zero_tile_fraction(t);
  const bool compress = config.packet_manager.compression &&
                        compression_ratio(f, t.density > 0 ? t.density : config.packet_manager.default_density) > 1.0;
  const double density = t.density;

  if (held[op.inputs[input]].empty()) {
    // Inputs and weights start in DRAM: read in chunks that spread over the channels.
    const uint64_t bytes = uint64_t(std::ceil(region_bytes(region, f) * live));
    const uint64_t tiles = std::max<int64_t>(region_tiles(region), 1);
    const uint64_t chunk = 64 * 1024;
    const uint64_t chunks = std::max<uint64_t>(1, (bytes + chunk - 1) / chunk);
    const std::string key = t.name + "|" + std::to_string(region.r0) + "," + std::to_string(region.r1) + "," +
                            std::to_string(region.c0) + "," + std::to_string(region.c1);
    for (uint64_t i = 0; i < chunks; ++i) {
      const uint64_t b = bytes * (i + 1) / chunks - bytes * i / chunks;
      const uint64_t n = tiles * (i + 1) / chunks - tiles * i / chunks;
      builder.dram_read(key + "#" + std::to_string(i), op_index, core, fetch.buffer, std::max<uint64_t>(b, 1), n, false,
                        prefetch_gate(core));
    }
    fetch.tiles = tiles;
    fetch.bytes = bytes;
    fetch.waits.push_back({fetch.buffer, tiles});
    // Prefetched while the op before runs.
    hold_sram(core, op_index - 1, op_index, bytes);
    return fetch;
  }

  // Activations: one transfer per piece that overlaps the region, from the core holding it. A piece this
  // core holds itself is read where it is.
  int first_step = op_index;
  uint64_t landed = 0;
  for (const HeldPiece& piece : held[op.inputs[input]]) {
    const Region part = piece.region.intersect(region);
    if (part.empty()) continue;
    if (piece.core == core) {
      fetch.waits.push_back({piece.buffer, piece.level});
      fetch.tiles += uint64_t(region_tiles(part));
      // The producer's output stays in SRAM until this op has read it.
      hold_sram(core, piece.step + 1, op_index, region_bytes(part, f));
      continue;
    }
    const uint64_t raw = uint64_t(std::ceil(region_bytes(part, f) * live));
    const uint64_t bytes = compress ? uint64_t(std::ceil(raw / compression_ratio(f, density))) : raw;
    const uint64_t tiles = builder.transfer(piece, part, op_index, core, fetch.buffer, std::max<uint64_t>(bytes, 1),
                                            raw, compress, t.name);
    fetch.tiles += tiles;
    landed += tiles;
    fetch.bytes += bytes;
    first_step = std::min(first_step, piece.step);
  }
  if (landed) fetch.waits.push_back({fetch.buffer, landed});
  fetch.compressed = compress;
  // The data arrives as soon as its producer has it and stays until this op is done.
  hold_sram(core, first_step, op_index, fetch.bytes);
  return fetch;
}

}  // namespace tessera
