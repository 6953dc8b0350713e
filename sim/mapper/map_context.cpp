#include "sim/mapper/map_context.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include "packet_manager/compression.h"
#include "packet_manager/reshaper.h"

namespace tessera {

MapContext::MapContext(const ArchConfig& c, const Graph& g, Plan& p, const SramDecisions& d)
    : config(c), graph(g), plan(p), costs(c.core), builder(c, p), decisions(d), formats(choose_formats(c.mapper, g)) {
  core_count = int(plan.cores.size());
  held.resize(graph.tensors.size());
  ops_on_core.assign(plan.cores.size(), 0);
  last_ops_on_core.assign(plan.cores.size(), {-1, -1});
  spilled_bytes.assign(graph.ops.size(), 0);
  resident.assign(plan.cores.size(), std::vector<uint64_t>(graph.ops.size() + 1, 0));
}

StageCycles MapContext::price(const ComputeCmd& cmd) const {
  const bool engine = config.packet_manager.reshape_engine;
  StageCycles c = price_block(cmd, costs, !engine);
  if (engine) c.reshape = reshape_engine_cycles(config.packet_manager, cmd.reshape);
  return c;
}

DataFormat MapContext::format_of(const Tensor& t) const {
  // The lowerings pass the graph's own tensors; anything else has no choice recorded.
  const Tensor* first = graph.tensors.data();
  if (!std::less<const Tensor*>()(&t, first) && std::less<const Tensor*>()(&t, first + graph.tensors.size()))
    return formats.tensor_format[size_t(&t - first)];
  if (t.format) return *t.format;
  return config.mapper.default_format;
}

DataFormat MapContext::math_format(const Op& op) const {
  return op.format ? *op.format : format_of(graph.output(op));
}

Fidelity MapContext::fidelity_of(const Op& op) const {
  const Op* first = graph.ops.data();
  if (!std::less<const Op*>()(&op, first) && std::less<const Op*>()(&op, first + graph.ops.size()))
    return formats.op_fidelity[size_t(&op - first)];
  return op.fidelity ? *op.fidelity : config.mapper.default_fidelity;
}

uint32_t MapContext::row_page_bytes(const Tensor& t) const {
  if (t.layout != TensorLayout::row_major || t.shape.empty()) return 0;
  // The row the device stores: its shape's last dimension when the trace gives it (an image's channels).
  const int64_t row = t.device_shape.empty() ? matrix_shape(t).cols : t.device_shape.back();
  return uint32_t(std::max<int64_t>(1, int64_t(std::ceil(double(row) * bytes_per_element(format_of(t))))));
}

double MapContext::zero_tile_fraction(const Tensor& t) const {
  // A tile is all zero by chance only when nearly every value is: (1 - density)^1024.
  const double by_chance = std::pow(1.0 - density_of(t), double(kTileElements));
  return std::min(1.0, std::max(t.zero_tiles, by_chance));
}

std::vector<std::pair<const HeldPiece*, Region>> MapContext::pieces_for(int tensor, int core, const Region& region) const {
  std::vector<std::pair<const HeldPiece*, Region>> out;
  for (const HeldPiece& piece : held[size_t(tensor)]) {
    const Region part = piece.region.intersect(region);
    if (!part.empty()) out.push_back({&piece, part});
  }
  if (!overlapping_pieces.count(tensor)) return out;
  std::stable_sort(out.begin(), out.end(), [&](const auto& a, const auto& b) {
    if ((a.first->core == core) != (b.first->core == core)) return a.first->core == core;
    return a.second.elements() > b.second.elements();
  });
  // Trim each part by the rows of the same columns already taken (pieces are row ranges).
  std::vector<std::pair<const HeldPiece*, Region>> taken;
  for (auto [piece, part] : out) {
    for (const auto& [_, t] : taken) {
      if (t.c0 != part.c0 || t.c1 != part.c1 || t.intersect(part).empty()) continue;
      if (t.r0 <= part.r0 && t.r1 >= part.r1) part = {};
      else if (t.r0 <= part.r0) part.r0 = t.r1;
      else if (t.r1 >= part.r1) part.r1 = t.r0;
      if (part.empty()) break;
    }
    if (!part.empty()) taken.push_back({piece, part});
  }
  std::stable_sort(taken.begin(), taken.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
  return taken;
}

BufferLevel MapContext::stage_through_dram(int op_index, int input, int core, const Region& region) {
  const Op& op = graph.ops[op_index];
  const int tensor = op.inputs[input];
  const Tensor& t = graph.tensors[tensor];
  // The producers write their pieces to DRAM and tell this core; it reads once all are there.
  const int token = builder.add_buffer(core, "staged:" + t.name + ":" + op.name, op_index, 0, 1);
  uint64_t pieces = 0;
  for (const auto& [piece, part] : pieces_for(tensor, core, region)) {
    (void)part;
    // A trace input held in L1 from the start (step -1) is written out by this op's program.
    builder.stage_to_dram(*piece, piece->step >= 0 ? piece->step : op_index, region_bytes(piece->region, format_of(t)),
                          core, token, t.name);
    ++pieces;
  }
  return {token, pieces};
}

// For each part, the first block whose need overlaps it (needs.size() when none does).
static std::vector<int64_t> first_uses(const RowRuns& parts, const std::vector<Region>& needs) {
  std::vector<int64_t> first(parts.size(), int64_t(needs.size()));
  for (size_t b = needs.size(); b-- > 0;) {
    if (b > 0 && needs[b] == needs[b - 1]) continue;  // the earlier block of a run of equal needs decides
    parts.for_each_overlap(needs[b], [&](size_t p) { first[p] = int64_t(b); });
  }
  return first;
}

// For each part, the last block whose need overlaps it (0 when none does).
static std::vector<size_t> last_uses(const RowRuns& parts, const std::vector<Region>& needs) {
  std::vector<size_t> last(parts.size(), 0);
  for (size_t b = 0; b < needs.size(); ++b) {
    if (b + 1 < needs.size() && needs[b] == needs[b + 1]) continue;  // the later block of a run decides
    parts.for_each_overlap(needs[b], [&](size_t p) { last[p] = b; });
  }
  return last;
}

static RowRuns part_index(const std::vector<OperandPart>& parts) {
  std::vector<Region> regions;
  regions.reserve(parts.size());
  for (const OperandPart& p : parts) regions.push_back(p.region);
  return RowRuns(std::move(regions));
}

void MapContext::issue_stream_reads(int op_index, int core, const OperandFetch& fetch,
                                    const std::vector<Region>& needs, int stream) {
  if (fetch.pending.empty()) return;
  const std::vector<int64_t> firsts = fetch.index.size() == fetch.parts.size()
                                          ? first_uses(fetch.index, needs) : first_uses(part_index(fetch.parts), needs);
  for (size_t i = 0; i < fetch.pending.size(); ++i) {
    const int64_t first = firsts[i];
    const OperandFetch::PendingRead& r = fetch.pending[i];
    builder.dram_read(r.key, op_index, core, fetch.parts[i].ready.buffer, r.bytes, r.tiles, true, r.waits, 2 * first,
                      stream, r.page_bytes);
  }
}

void MapContext::hold_sram(int core, int from, int to, uint64_t bytes, int tensor, int consumer, bool prefetched) {
  from = std::max(from, 0);
  for (int s = from; s <= to; ++s) resident[core][s] += bytes;
  holdings.push_back({core, from, to, bytes, tensor, consumer, prefetched});
}

std::vector<BufferLevel> OperandFetch::waits_for(const Region& region) const {
  std::vector<BufferLevel> out;
  auto add = [&](size_t i) {
    // Streamed parts share one buffer in order: the last overlapping part's level covers the rest.
    if (streamed && !out.empty()) out.back() = parts[i].ready;
    else out.push_back(parts[i].ready);
  };
  if (index.size() == parts.size()) {
    index.for_each_overlap(region, add);
    return out;
  }
  for (size_t i = 0; i < parts.size(); ++i)
    if (!parts[i].region.intersect(region).empty()) add(i);
  return out;
}

std::vector<std::vector<BufferLevel>> OperandFetch::stream_pops(const std::vector<Region>& needs) const {
  std::vector<std::vector<BufferLevel>> pops(needs.size());
  if (!streamed || parts.empty()) return pops;
  const std::vector<size_t> lasts =
      index.size() == parts.size() ? last_uses(index, needs) : last_uses(part_index(parts), needs);
  uint64_t previous_level = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    const OperandPart& p = parts[i];
    const size_t last = lasts[i];
    pops[last].push_back({p.ready.buffer, p.ready.tiles - previous_level});
    previous_level = p.ready.tiles;
  }
  return pops;
}

static int64_t chunks_for(uint64_t bytes, uint64_t chunk) { return int64_t(std::max<uint64_t>(1, (bytes + chunk - 1) / chunk)); }

// Tiles a streamed buffer must hold: while block b runs, every part from the oldest one a block b or
// later still reads up to the newest block b reads, plus one part arriving.
static uint64_t stream_capacity(const std::vector<Region>& part_regions, const std::vector<uint64_t>& tiles,
                                const std::vector<Region>& needs) {
  uint64_t largest = *std::max_element(tiles.begin(), tiles.end());
  if (needs.empty()) return largest * 3;
  const RowRuns parts(part_regions);
  const std::vector<size_t> last_use = last_uses(parts, needs);
  // oldest[b]: the first part a block b or later still reads (parts.size() when none).
  std::vector<size_t> oldest(needs.size() + 1, parts.size());
  for (size_t p = parts.size(); p-- > 0;) oldest[last_use[p]] = p;
  for (size_t b = needs.size(); b-- > 0;) oldest[b] = std::min(oldest[b], oldest[b + 1]);
  std::vector<uint64_t> before(parts.size() + 1, 0);  // tiles of the parts before each one
  for (size_t p = 0; p < parts.size(); ++p) before[p + 1] = before[p] + tiles[p];
  uint64_t most = 0;
  size_t newest = 0;
  for (size_t b = 0; b < needs.size(); ++b) {
    if (b == 0 || !(needs[b] == needs[b - 1])) {
      newest = 0;  // the last part block b reads
      parts.for_each_overlap(needs[b], [&](size_t p) { newest = p; });
    }
    const uint64_t held = oldest[b] <= newest ? before[newest + 1] - before[oldest[b]] : 0;
    most = std::max(most, held);
  }
  return most + largest;
}

std::vector<BufferLevel> OperandFetch::all_waits() const {
  std::vector<BufferLevel> out;
  for (const OperandPart& p : parts) out.push_back(p.ready);
  return out;
}

OperandFetch MapContext::fetch_resident(int op_index, int input, int core, const Region& region,
                                        const std::string& label, const std::vector<Region>& block_needs,
                                        int whole_stream) {
  const Op& op = graph.ops[op_index];
  const Tensor& t = graph.input(op, input);
  const DataFormat f = format_of(t);
  OperandFetch fetch;
  if (region.empty()) return fetch;
  const std::string name = label + ":" + op.name;
  const double live = 1.0 - zero_tile_fraction(t);
  const double density = density_of(t);
  const bool compress = config.packet_manager.compression && compression_ratio(f, density, config.packet_manager.compression_row_datums) > 1.0;

  const int tensor = op.inputs[input];
  const bool staged = decisions.staged.count({tensor, op_index}) != 0;
  if (held[tensor].empty() || staged) {
    // Inputs, weights and staged activations come from DRAM, read in row chunks that spread over the
    // channels, each landing in its own buffer so that blocks can start on the first rows. A streamed
    // operand's chunks share one bounded buffer instead, released as blocks finish with them.
    std::vector<BufferLevel> waits = prefetch_gate(core, op_index);
    if (staged && !held[tensor].empty()) waits.push_back(stage_through_dram(op_index, input, core, region));
    const bool streamed = decisions.streamed_ops.count(op_index) != 0 && (staged || held[tensor].empty());
    const uint64_t bytes = uint64_t(std::ceil(region_bytes(region, f) * live));
    const uint64_t chunk = streamed ? (16 * 1024) >> decisions.block_shrink(op_index) : 64 * 1024;
    const std::string key = t.name + "|" + std::to_string(region.r0) + "," + std::to_string(region.r1) + "," +
                            std::to_string(region.c0) + "," + std::to_string(region.c1) + (staged ? "|" + op.name : "");
    // Parts split the rows, or the columns (a matmul's A read K chunk by K chunk), whichever a streamed
    // buffer holds fewer tiles of.
    auto split = [&](bool by_columns, std::vector<Region>& regions, std::vector<uint64_t>& tiles) {
      const int64_t col_tiles = ceil_div(region.cols(), kTileDim);
      const int64_t n = std::min<int64_t>(chunks_for(bytes, chunk), by_columns ? col_tiles : region.rows());
      for (int64_t i = 0; i < n; ++i) {
        regions.push_back(by_columns ? Region{region.r0, region.r1, std::min(region.c1, region.c0 + col_tiles * i / n * kTileDim),
                                              std::min(region.c1, region.c0 + col_tiles * (i + 1) / n * kTileDim)}
                                     : Region{region.r0 + region.rows() * i / n, region.r0 + region.rows() * (i + 1) / n,
                                              region.c0, region.c1});
        tiles.push_back(std::max<int64_t>(region_tiles(regions.back()), 1));
      }
    };
    std::vector<Region> part_regions, column_regions;
    std::vector<uint64_t> part_tiles, column_tiles;
    // Op by op, a streamed operand is read block by block, each part exactly what one block reads (a
    // kernel's reader filling its circular buffer): the buffer holds two blocks' worth, whatever the
    // blocks' shape.
    const bool per_block = streamed && config.mapper.schedule == Schedule::op_by_op && !block_needs.empty();
    if (per_block) {
      for (const Region& n : block_needs) {
        Region part = n.intersect(region);
        // A sliding window's blocks overlap by its halo rows: the buffer keeps those from the block before,
        // so a block reads only the rows past them (as one part of its own).
        if (!part_regions.empty()) {
          const Region& last = part_regions.back();
          if (last.c0 == part.c0 && last.c1 == part.c1 && part.r0 < last.r1 && part.r1 > last.r0)
            part.r0 = std::max(part.r0, last.r1);
        }
        if (part.empty() || (!part_regions.empty() && part_regions.back() == part)) continue;
        part_regions.push_back(part);
        part_tiles.push_back(std::max<int64_t>(region_tiles(part), 1));
      }
    }
    if (part_regions.empty()) split(false, part_regions, part_tiles);
    if (streamed && !per_block && region.cols() > kTileDim) {
      split(true, column_regions, column_tiles);
      if (stream_capacity(column_regions, column_tiles, block_needs) < stream_capacity(part_regions, part_tiles, block_needs)) {
        part_regions.swap(column_regions);
        part_tiles.swap(column_tiles);
      }
    }
    if (streamed && !block_needs.empty()) {
      // Rows no block reads (the rows a strided window skips between blocks) are not fetched at all: a
      // streamed part nobody waits for could never be released in order.
      std::vector<Region> used_regions;
      std::vector<uint64_t> used_tiles;
      const std::vector<int64_t> first = first_uses(RowRuns(part_regions), block_needs);
      for (size_t p = 0; p < part_regions.size(); ++p)
        if (first[p] < int64_t(block_needs.size())) {
          used_regions.push_back(part_regions[p]);
          used_tiles.push_back(part_tiles[p]);
        }
      if (!used_regions.empty()) {
        part_regions.swap(used_regions);
        part_tiles.swap(used_tiles);
      }
    }
    const int64_t parts = int64_t(part_regions.size());
    const int64_t chunks = parts;
    const uint64_t capacity = streamed ? stream_capacity(part_regions, part_tiles, block_needs) : 0;
    const int shared = streamed ? builder.add_buffer(core, name, op_index, capacity, tile_bytes(f)) : -1;
    const int from = first_read_step(core, op_index);
    for (int64_t i = 0; i < chunks; ++i) {
      const Region& part = part_regions[size_t(i)];
      const uint64_t b = uint64_t(std::ceil(region_bytes(part, f) * live));
      if (b == 0) continue;  // all-zero tiles are neither read nor waited for
      const uint64_t n = part_tiles[size_t(i)];
      const int buffer = streamed ? shared : builder.add_buffer(core, name + "#" + std::to_string(i), op_index, 0, tile_bytes(f));
      if (streamed) fetch.pending.push_back({key + "#" + std::to_string(i), b, n, waits, row_page_bytes(t)});
      else builder.dram_read(key + "#" + std::to_string(i), op_index, core, buffer, b, n, false, waits, 0,
                             whole_stream, row_page_bytes(t));
      fetch.tiles += n;
      fetch.parts.push_back({part, {buffer, streamed ? fetch.tiles : n}});
    }
    fetch.streamed = streamed;
    if (staged && !held[tensor].empty()) spilled_bytes[op_index] += bytes;
    fetch.bytes = streamed ? std::min<uint64_t>(capacity * tile_bytes(f), bytes) : bytes;
    // Prefetched while the core's op before runs (unless the SRAM fitting said not to), so held from the
    // first step the core's progress gate lets the read start: where the ops between ran elsewhere, that
    // is several steps before this one.
    hold_sram(core, from, op_index, fetch.bytes, tensor, op_index, from < op_index);
    fetch.index = part_index(fetch.parts);
    return fetch;
  }

  // Activations: one transfer per piece that overlaps the region, from the core holding it. A piece this
  // core holds itself is read where it is.
  for (const auto& [held_piece, part] : pieces_for(op.inputs[input], core, region)) {
    const HeldPiece& piece = *held_piece;
    if (piece.core == core) {
      fetch.parts.push_back({part, {piece.buffer, piece.level}});
      fetch.tiles += uint64_t(region_tiles(part));
      fetch.local_bytes += region_bytes(part, f);
      // The producer's output stays in SRAM until this op has read it.
      hold_sram(core, piece.step + 1, op_index, region_bytes(part, f), tensor, op_index);
      continue;
    }
    const uint64_t raw = uint64_t(std::ceil(region_bytes(part, f) * live));
    const uint64_t bytes = compress ? uint64_t(std::ceil(raw / compression_ratio(f, density, config.packet_manager.compression_row_datums))) : raw;
    const int buffer = builder.add_buffer(core, name + "#" + std::to_string(fetch.parts.size()), op_index, 0, tile_bytes(f));
    const uint64_t tiles = builder.transfer(piece, part, op_index, core, buffer, std::max<uint64_t>(bytes, 1), raw,
                                            compress, t.name);
    fetch.parts.push_back({part, {buffer, tiles}});
    fetch.tiles += tiles;
    fetch.bytes += bytes;
    // The data arrives as soon as its producer has it and stays until this op is done; op by op, the send
    // waits for this op's program to launch here, so it takes SRAM only from then on.
    const int arrives = config.mapper.schedule == Schedule::op_by_op ? op_index : piece.step;
    hold_sram(core, arrives, op_index, bytes, tensor, op_index);
  }
  fetch.compressed = compress;
  if (compress) fetch.ratio = compression_ratio(f, density, config.packet_manager.compression_row_datums);
  fetch.index = part_index(fetch.parts);
  return fetch;
}

}  // namespace tessera
