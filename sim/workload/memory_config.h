#pragma once
// Where a tensor lives between ops and how an op ran, as a tt-metal profile records them (trace version 2,
// docs/trace-format.md): the memory config (DRAM or L1, interleaved or sharded over a core grid), the
// tile or row-major layout, and the logical core ranges of a grid.
#include <cstdint>
#include <string>
#include <vector>

namespace tessera {

// An inclusive rectangle of logical core coordinates, as tt-metal's CoreRange: (x0, y0) to (x1, y1).
struct CoreRange {
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  int64_t cores() const { return int64_t(x1 - x0 + 1) * int64_t(y1 - y0 + 1); }
  bool operator==(const CoreRange& o) const { return x0 == o.x0 && y0 == o.y0 && x1 == o.x1 && y1 == o.y1; }
};

enum class BufferType { dram, l1 };
enum class MemoryLayout { interleaved, height_sharded, width_sharded, block_sharded };
enum class ShardOrientation { row_major, col_major };
enum class TensorLayout { tile, row_major };

struct MemoryConfig {
  BufferType buffer = BufferType::dram;
  MemoryLayout layout = MemoryLayout::interleaved;
  // Sharded tensors, when the profile says: the cores holding shards, and each shard's [rows, cols] of the
  // tensor's 2-D view [product of the leading dims, last dim]. Empty when unknown or interleaved.
  std::vector<CoreRange> shard_grid;
  std::vector<int64_t> shard_shape;
  ShardOrientation orientation = ShardOrientation::row_major;

  bool sharded() const { return layout != MemoryLayout::interleaved; }
};

const char* to_string(BufferType b);
const char* to_string(MemoryLayout l);
const char* to_string(ShardOrientation o);
const char* to_string(TensorLayout l);
// "l1 height_sharded 4x5 [6144,64]": one line for trace-info and messages.
std::string describe(const MemoryConfig& m);
// Cores in a list of ranges (ranges may not overlap; the reader checks).
int64_t count_cores(const std::vector<CoreRange>& ranges);

}  // namespace tessera
