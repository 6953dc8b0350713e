#include "sim/mapper/l1_inputs.h"

#include <algorithm>

namespace tessera {

void place_l1_inputs(MapContext& ctx) {
  for (size_t t = 0; t < ctx.graph.tensors.size(); ++t) {
    const Tensor& x = ctx.graph.tensors[t];
    if (x.kind != TensorKind::input || !x.memory || x.memory->buffer != BufferType::l1 || !x.memory->sharded() ||
        x.memory->shard_shape.size() != 2 || x.consumers.empty())
      continue;
    const MatrixShape m = matrix_shape(x);
    if (m.rows <= 0 || m.cols <= 0) continue;
    // The shards split the device's 2-D view; a halo's padded rows make it longer than the logical one,
    // so each shard takes its proportion of the logical rows.
    int64_t device_rows = m.rows, device_cols = m.cols;
    if (x.device_shape.size() >= 2) {
      device_cols = x.device_shape.back();
      device_rows = 1;
      for (size_t d = 0; d + 1 < x.device_shape.size(); ++d) device_rows *= x.device_shape[d];
    }
    const MemoryLayout layout = x.memory->layout;
    const int64_t row_shards = layout == MemoryLayout::width_sharded ? 1 : ceil_div(device_rows, std::max<int64_t>(x.memory->shard_shape[0], 1));
    const int64_t col_shards = layout == MemoryLayout::height_sharded ? 1 : ceil_div(device_cols, std::max<int64_t>(x.memory->shard_shape[1], 1));
    if (row_shards * col_shards > ctx.core_count) continue;  // more shards than cores: leave it in DRAM
    std::vector<HeldPiece> pieces;
    for (int64_t r = 0; r < row_shards; ++r)
      for (int64_t c = 0; c < col_shards; ++c) {
        const Region region{m.rows * r / row_shards, m.rows * (r + 1) / row_shards, m.cols * c / col_shards,
                            m.cols * (c + 1) / col_shards};
        if (region.empty()) continue;
        const int core = int(r * col_shards + c);
        // Complete from the start: nothing produces it on the chip.
        const int buffer = ctx.builder.add_buffer(core, "l1:" + x.name, -1, 0, tile_bytes(ctx.format_of(x)));
        pieces.push_back({core, region, buffer, 0, -1});
      }
    ctx.held[t] = std::move(pieces);
  }
}

}  // namespace tessera
