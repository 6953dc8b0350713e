#include "sim/workload/memory_config.h"

namespace tessera {

const char* to_string(BufferType b) { return b == BufferType::dram ? "dram" : "l1"; }

const char* to_string(MemoryLayout l) {
  switch (l) {
    case MemoryLayout::interleaved: return "interleaved";
    case MemoryLayout::height_sharded: return "height_sharded";
    case MemoryLayout::width_sharded: return "width_sharded";
    case MemoryLayout::block_sharded: return "block_sharded";
  }
  return "?";
}

const char* to_string(ShardOrientation o) { return o == ShardOrientation::row_major ? "row_major" : "col_major"; }
const char* to_string(TensorLayout l) { return l == TensorLayout::tile ? "tile" : "row_major"; }

int64_t count_cores(const std::vector<CoreRange>& ranges) {
  int64_t n = 0;
  for (const CoreRange& r : ranges) n += r.cores();
  return n;
}

std::string describe(const MemoryConfig& m) {
  std::string s = std::string(to_string(m.buffer)) + " " + to_string(m.layout);
  if (!m.shard_grid.empty()) s += " on " + std::to_string(count_cores(m.shard_grid)) + " cores";
  if (m.shard_shape.size() == 2)
    s += " [" + std::to_string(m.shard_shape[0]) + "," + std::to_string(m.shard_shape[1]) + "]";
  return s;
}

}  // namespace tessera
