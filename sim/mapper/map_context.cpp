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

std::vector<BufferLevel> OperandFetch::waits_for(const Region& region) const {
  std::vector<BufferLevel> out;
  for (const OperandPart& p : parts)
    if (!p.region.intersect(region).empty()) out.push_back(p.ready);
  return out;
}

std::vector<BufferLevel> OperandFetch::all_waits() const {
  std::vector<BufferLevel> out;
  for (const OperandPart& p : parts) out.push_back(p.ready);
  return out;
}

OperandFetch MapContext::fetch_resident(int op_index, int input, int core, const Region& region,
                                        const std::string& label) {
  const Op& op = graph.ops[op_index];
  const Tensor& t = graph.input(op, input);
  const DataFormat f = format_of(t);
  OperandFetch fetch;
  if (region.empty()) return fetch;
  const std::string name = label + ":" + op.name;
  const double live = 1.0 - zero_tile_fraction(t);
  const double density = t.density;
  const bool compress = config.packet_manager.compression && compression_ratio(f, density) > 1.0;

  if (held[op.inputs[input]].empty()) {
    // Inputs and weights start in DRAM: read in row chunks that spread over the channels, each landing
    // in its own buffer so that blocks can start on the first rows.
    const uint64_t bytes = uint64_t(std::ceil(region_bytes(region, f) * live));
    const uint64_t chunk = 64 * 1024;
    const int64_t chunks = std::min<int64_t>(std::max<uint64_t>(1, (bytes + chunk - 1) / chunk), region.rows());
    const std::string key = t.name + "|" + std::to_string(region.r0) + "," + std::to_string(region.r1) + "," +
                            std::to_string(region.c0) + "," + std::to_string(region.c1);
    for (int64_t i = 0; i < chunks; ++i) {
      const Region part{region.r0 + region.rows() * i / chunks, region.r0 + region.rows() * (i + 1) / chunks,
                        region.c0, region.c1};
      const uint64_t b = std::max<uint64_t>(1, uint64_t(std::ceil(region_bytes(part, f) * live)));
      const uint64_t n = std::max<int64_t>(region_tiles(part), 1);
      const int buffer = builder.add_buffer(core, name + "#" + std::to_string(i), op_index, 0, tile_bytes(f));
      builder.dram_read(key + "#" + std::to_string(i), op_index, core, buffer, b, n, false, prefetch_gate(core));
      fetch.parts.push_back({part, {buffer, n}});
      fetch.tiles += n;
    }
    fetch.bytes = bytes;
    // Prefetched while the op before runs.
    hold_sram(core, op_index - 1, op_index, bytes);
    return fetch;
  }

  // Activations: one transfer per piece that overlaps the region, from the core holding it. A piece this
  // core holds itself is read where it is.
  for (const HeldPiece& piece : held[op.inputs[input]]) {
    const Region part = piece.region.intersect(region);
    if (part.empty()) continue;
    if (piece.core == core) {
      fetch.parts.push_back({part, {piece.buffer, piece.level}});
      fetch.tiles += uint64_t(region_tiles(part));
      // The producer's output stays in SRAM until this op has read it.
      hold_sram(core, piece.step + 1, op_index, region_bytes(part, f));
      continue;
    }
    const uint64_t raw = uint64_t(std::ceil(region_bytes(part, f) * live));
    const uint64_t bytes = compress ? uint64_t(std::ceil(raw / compression_ratio(f, density))) : raw;
    const int buffer = builder.add_buffer(core, name + "#" + std::to_string(fetch.parts.size()), op_index, 0, tile_bytes(f));
    const uint64_t tiles = builder.transfer(piece, part, op_index, core, buffer, std::max<uint64_t>(bytes, 1), raw,
                                            compress, t.name);
    fetch.parts.push_back({part, {buffer, tiles}});
    fetch.tiles += tiles;
    fetch.bytes += bytes;
    // The data arrives as soon as its producer has it and stays until this op is done.
    hold_sram(core, piece.step, op_index, bytes);
  }
  fetch.compressed = compress;
  return fetch;
}

}  // namespace tessera
