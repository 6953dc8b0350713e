#include "sim/mapper/sharded_inputs.h"

#include <algorithm>

#include "sim/mapper/shard_layout.h"

namespace tessera {

void hold_sharded_inputs(MapContext& ctx) {
  for (size_t ti = 0; ti < ctx.graph.tensors.size(); ++ti) {
    const Tensor& t = ctx.graph.tensors[ti];
    if (t.producer >= 0 || t.consumers.empty() || !t.memory || t.memory->buffer != BufferType::l1 ||
        !t.memory->sharded() || t.memory->shard_shape.size() != 2)
      continue;
    if (t.kind != TensorKind::input && t.kind != TensorKind::activation) continue;
    const std::vector<Shard> shards =
        tensor_shards(t, *t.memory, ctx.config.chip.compute_width, ctx.config.chip.compute_height);
    if (shards.empty()) continue;  // shards the grid cannot place: read from DRAM instead
    const int last_reader = *std::max_element(t.consumers.begin(), t.consumers.end());
    const DataFormat f = ctx.format_of(t);
    for (const auto& [core, region] : shards) {
      if (region.empty()) continue;
      const int buffer = ctx.builder.add_buffer(core, "shard:" + t.name, -1, uint64_t(region_tiles(region)), tile_bytes(f));
      ctx.held[ti].push_back({core, region, buffer, 0, -1});
      ctx.hold_sram(core, 0, last_reader, region_bytes(region, f), int(ti), last_reader);
    }
  }
}

}  // namespace tessera
