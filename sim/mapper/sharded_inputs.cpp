#include "sim/mapper/sharded_inputs.h"

#include <algorithm>

namespace tessera {
namespace {

// The shards of a tensor in order, each as a region of its matrix. Shard shapes are in the device's 2-D
// view [rows, C]; a halo'd tensor has more device rows than pixels, so its rows scale to the matrix's.
std::vector<Region> shard_regions(const Tensor& t, const MemoryConfig& m) {
  const MatrixShape ms = matrix_shape(t);
  int64_t device_rows = t.device_shape.empty() ? ms.rows : 1;
  for (size_t i = 0; i + 1 < t.device_shape.size(); ++i) device_rows *= t.device_shape[i];
  const int64_t device_cols = t.device_shape.empty() ? ms.cols : t.device_shape.back();
  const int64_t sh = std::max<int64_t>(m.shard_shape[0], 1), sw = std::max<int64_t>(m.shard_shape[1], 1);
  const int64_t row_shards = m.layout == MemoryLayout::width_sharded ? 1 : ceil_div(device_rows, sh);
  const int64_t col_shards = m.layout == MemoryLayout::height_sharded ? 1 : ceil_div(device_cols, sw);
  auto rows_of = [&](int64_t device_row) { return std::min(ms.rows, device_row * ms.rows / std::max<int64_t>(device_rows, 1)); };
  auto cols_of = [&](int64_t device_col) { return std::min(ms.cols, device_col); };
  std::vector<Region> out;
  // Row-major orientation walks a block grid's width first; column-major its height first.
  const bool rows_outer = m.orientation == ShardOrientation::row_major;
  for (int64_t a = 0; a < (rows_outer ? row_shards : col_shards); ++a)
    for (int64_t b = 0; b < (rows_outer ? col_shards : row_shards); ++b) {
      const int64_t r = rows_outer ? a : b, c = rows_outer ? b : a;
      const int64_t rh = m.layout == MemoryLayout::width_sharded ? device_rows : sh;
      const int64_t cw = m.layout == MemoryLayout::height_sharded ? device_cols : sw;
      out.push_back({rows_of(r * rh), rows_of(std::min(device_rows, (r + 1) * rh)), cols_of(c * cw),
                     cols_of(std::min(device_cols, (c + 1) * cw))});
    }
  return out;
}

}  // namespace

void hold_sharded_inputs(MapContext& ctx) {
  for (size_t ti = 0; ti < ctx.graph.tensors.size(); ++ti) {
    const Tensor& t = ctx.graph.tensors[ti];
    if (t.producer >= 0 || t.consumers.empty() || !t.memory || t.memory->buffer != BufferType::l1 ||
        !t.memory->sharded() || t.memory->shard_shape.size() != 2)
      continue;
    if (t.kind != TensorKind::input && t.kind != TensorKind::activation) continue;
    const std::vector<Region> shards = shard_regions(t, *t.memory);
    if (int64_t(shards.size()) > ctx.core_count) continue;  // more shards than cores: read from DRAM instead
    const int last_reader = *std::max_element(t.consumers.begin(), t.consumers.end());
    const DataFormat f = ctx.format_of(t);
    for (size_t i = 0; i < shards.size(); ++i) {
      if (shards[i].empty()) continue;
      const int core = int(i);
      const int buffer = ctx.builder.add_buffer(core, "shard:" + t.name, -1, uint64_t(region_tiles(shards[i])), tile_bytes(f));
      ctx.held[ti].push_back({core, shards[i], buffer, 0, -1});
      ctx.hold_sram(core, 0, last_reader, region_bytes(shards[i], f), int(ti), last_reader);
    }
  }
}

}  // namespace tessera
