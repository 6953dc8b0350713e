#include "sim/mapper/conv_sharding.h"

#include <algorithm>
#include <array>
#include <set>
#include <utility>

#include "sim/mapper/partition.h"
#include "sim/mapper/shard_layout.h"

namespace tessera {
namespace {

int64_t round_up(int64_t n, int64_t m) { return ceil_div(n, m) * m; }

// The largest output subblock (h x w tiles, at most 8 tiles of the destination register) that divides the
// block, in ttnn's order of preference; a subblock narrower than the block must be one tile high.
std::pair<int64_t, int64_t> largest_subblock(int64_t block_h, int64_t block_w) {
  constexpr std::array<std::pair<int64_t, int64_t>, 20> kSubblocks = {{
      {2, 4}, {4, 2}, {1, 8}, {8, 1}, {1, 7}, {7, 1}, {2, 3}, {3, 2}, {1, 6}, {6, 1},
      {1, 5}, {5, 1}, {2, 2}, {1, 4}, {4, 1}, {1, 3}, {3, 1}, {1, 2}, {2, 1}, {1, 1},
  }};
  for (auto [h, w] : kSubblocks) {
    if (block_h % h != 0 || block_w % w != 0) continue;
    if (w != block_w && h != 1) continue;
    return {h, w};
  }
  return {1, 1};
}

}  // namespace

int64_t largest_divisor(int64_t n, int64_t start) {
  int64_t d = std::max<int64_t>(1, start);
  while (n % d != 0) --d;
  return d;
}

int64_t largest_divisor(int64_t n, int64_t m, int64_t start) {
  int64_t d = std::max<int64_t>(1, start);
  while (n % d != 0 || m % d != 0) --d;
  return d;
}

int64_t largest_divisor_with_padding(int64_t n, int64_t start) {
  int64_t d = std::max<int64_t>(1, start);
  while (d > 1 && round_up(n, d) - n >= round_up(n, d) / d) --d;
  return d;
}

int64_t largest_divisor_with_padding(int64_t n, int64_t m, int64_t start) {
  int64_t d = std::max<int64_t>(1, start);
  while (d > 1 && (round_up(n, d) - n >= round_up(n, d) / d || round_up(m, d) - m >= round_up(m, d) / d)) --d;
  return d;
}

bool conv_is_matmul(const ConvGeometry& c) {
  return !c.transposed && c.kh == 1 && c.kw == 1 && c.sh == 1 && c.sw == 1 && c.pad_top == 0 && c.pad_left == 0 &&
         c.pad_bottom == 0 && c.pad_right == 0 && c.dh == 1 && c.dw == 1 && c.groups == 1;
}

ConvParallelConfig conv_parallel_config(const ConvGeometry& c, MemoryLayout layout, int grid_x, int grid_y) {
  ConvParallelConfig p;
  p.layout = layout;
  const int64_t max_cores = int64_t(grid_x) * grid_y;
  const int64_t nhw = c.n * c.ho * c.wo;
  const int64_t nhw_tiles = ceil_div(nhw, kTileDim);
  const int64_t in_c_tiles = ceil_div(c.c, kTileDim), out_c_tiles = ceil_div(c.k, kTileDim);
  // Channels are padded to the shards (not for a matmul conv, whose shards must divide them).
  const bool pad_channels = !conv_is_matmul(c);
  switch (layout) {
    case MemoryLayout::height_sharded:
      p.cores_nhw = int(largest_divisor_with_padding(nhw_tiles, max_cores));
      break;
    case MemoryLayout::block_sharded:
      p.cores_nhw = int(largest_divisor_with_padding(nhw_tiles, grid_y));
      p.cores_c = int(pad_channels ? largest_divisor_with_padding(out_c_tiles, in_c_tiles, grid_x)
                                   : largest_divisor(out_c_tiles, in_c_tiles, grid_x));
      break;
    case MemoryLayout::width_sharded:
    case MemoryLayout::interleaved:
      p.layout = MemoryLayout::width_sharded;
      p.cores_c = int(pad_channels ? largest_divisor_with_padding(in_c_tiles, max_cores)
                                   : largest_divisor(in_c_tiles, max_cores));
      break;
  }
  if (p.layout == MemoryLayout::block_sharded) {
    p.grid_x = p.cores_c;
    p.grid_y = p.cores_nhw;
  } else {
    p.grid_x = std::min(p.cores(), grid_x);
    p.grid_y = int(ceil_div(p.cores(), grid_x));
  }

  // The block config: each core's output shard is one activation block high; its K block is the input
  // channels of its shard times the kernel's taps (height sharded: one kernel row at a time).
  const int64_t padded_in_c = round_up(c.c, int64_t(p.cores_c) * kTileDim);
  const int64_t shard_rows = p.layout == MemoryLayout::width_sharded
                                 ? nhw
                                 : round_up(nhw, int64_t(p.cores_nhw) * kTileDim) / p.cores_nhw;
  // A width-sharded conv's output shards follow the output channels (ttnn's output parallel config).
  const int64_t out_shards = p.layout == MemoryLayout::width_sharded
                                 ? largest_divisor_with_padding(out_c_tiles, max_cores)
                                 : p.cores_c;
  const int64_t shard_cols = round_up(c.k, out_shards * kTileDim) / out_shards;
  ProgramConfig& b = p.block;
  b.present = true;
  b.act_block_h_tiles = ceil_div(shard_rows, kTileDim);
  switch (p.layout) {
    case MemoryLayout::height_sharded: b.act_block_w_tiles = ceil_div(padded_in_c * c.kw, kTileDim); break;
    case MemoryLayout::block_sharded:
      b.act_block_w_tiles = ceil_div(padded_in_c / p.cores_c * c.kh * c.kw, kTileDim);
      break;
    default: b.act_block_w_tiles = ceil_div(padded_in_c * c.kh * c.kw / p.cores_c, kTileDim); break;
  }
  b.weights_block_w_tiles = ceil_div(shard_cols, kTileDim);
  const auto [sh, sw] = largest_subblock(b.act_block_h_tiles, b.weights_block_w_tiles);
  b.out_subblock_h_tiles = sh;
  b.out_subblock_w_tiles = sw;
  b.shard_layout = p.layout == MemoryLayout::height_sharded  ? "height"
                   : p.layout == MemoryLayout::block_sharded ? "block"
                                                             : "width";
  b.grid_x = p.grid_x;
  b.grid_y = p.grid_y;
  return p;
}

ConvParallelConfig choose_conv_parallel_config(const ConvGeometry& c, int grid_x, int grid_y) {
  const bool matmul = conv_is_matmul(c);
  const bool conv1d = c.kw == 1 && c.w == 1;  // 1-D convs shard by height only
  const ConvParallelConfig height = conv_parallel_config(c, MemoryLayout::height_sharded, grid_x, grid_y);
  if (conv1d) return height;
  const ConvParallelConfig block = conv_parallel_config(c, MemoryLayout::block_sharded, grid_x, grid_y);
  // A matmul conv is never width sharded.
  const int width_cores = matmul ? 0 : conv_parallel_config(c, MemoryLayout::width_sharded, grid_x, grid_y).cores();
  const int max_cores = grid_x * grid_y;
  // Block sharding unless height sharding gets more cores while block gets under three quarters of the
  // grid, or as many and no more than a grid row; width sharding when it gets at least as many as either.
  ConvParallelConfig best = block;
  if ((height.cores() > best.cores() && best.cores() < int(0.75f * float(max_cores))) ||
      (height.cores() == best.cores() && height.cores() <= grid_x))
    best = height;
  if (width_cores > 0 && width_cores >= best.cores())
    return conv_parallel_config(c, MemoryLayout::width_sharded, grid_x, grid_y);
  // Very wide inputs go width sharded even on fewer cores.
  if (best.layout == MemoryLayout::block_sharded && width_cores >= 40 && c.c > 1280)
    return conv_parallel_config(c, MemoryLayout::width_sharded, grid_x, grid_y);
  return best;
}

ShardedSplit sharded_split(MatrixShape out, const ProgramConfig& program, int cores, int compute_width,
                           int compute_height) {
  ShardedSplit split;
  if (program.shard_layout.empty() || cores < 1) return split;
  int rows = 1, cols = 1;
  bool rectangle = false;
  if (program.shard_layout == "height") rows = cores;
  else if (program.shard_layout == "width") cols = cores;
  else if (program.shard_layout == "block") {
    if (program.grid_x < 1 || program.grid_y < 1 || program.grid_x > compute_width || program.grid_y > compute_height ||
        int64_t(program.grid_x) * program.grid_y > cores)
      return split;
    rows = program.grid_y;
    cols = program.grid_x;
    rectangle = true;
  } else {
    return split;
  }
  const auto row_ranges = split_tiles(out.rows, rows);
  const auto col_ranges = split_tiles(out.cols, cols);
  split.rows = int(row_ranges.size());
  split.cols = int(col_ranges.size());
  for (size_t r = 0; r < row_ranges.size(); ++r)
    for (size_t c = 0; c < col_ranges.size(); ++c) {
      const int core = rectangle ? int(r) * compute_width + int(c) : int(r * col_ranges.size() + c);
      split.blocks.push_back({core, {row_ranges[r].first, row_ranges[r].second, col_ranges[c].first, col_ranges[c].second}});
    }
  return split;
}

ShardedSplit sharded_split(const Tensor& out, int compute_width, int compute_height) {
  ShardedSplit split;
  if (!out.memory || out.memory->buffer != BufferType::l1) return split;
  const std::vector<Shard> shards = tensor_shards(out, *out.memory, compute_width, compute_height);
  std::set<int64_t> row_starts, col_starts;
  for (const auto& [core, region] : shards) {
    if (region.empty()) continue;
    split.blocks.push_back({core, region});
    row_starts.insert(region.r0);
    col_starts.insert(region.c0);
  }
  split.rows = std::max<int>(1, int(row_starts.size()));
  split.cols = std::max<int>(1, int(col_starts.size()));
  return split;
}

}  // namespace tessera
