#include "sim/mapper/demo_memory_config.h"

#include "sim/workload/matrix_view.h"

namespace tessera {
namespace {

int64_t round_up(int64_t n, int64_t m) { return ceil_div(n, m) * m; }

}  // namespace

ShardConfig conv_shard_config(const ConvParallelConfig& p, int64_t rows, int64_t channels) {
  ShardConfig s;
  s.layout = p.layout;
  s.cores_nhw = p.cores_nhw;
  s.cores_c = p.cores_c;
  s.shard_rows = p.layout == MemoryLayout::width_sharded ? rows : round_up(rows, int64_t(p.cores_nhw) * kTileDim) / p.cores_nhw;
  s.shard_cols = round_up(channels, int64_t(p.cores_c) * kTileDim) / p.cores_c;
  return s;
}

ShardConfig conv_input_config(const ConvGeometry& c, const ConvParallelConfig& p) {
  return conv_shard_config(p, c.n * c.h * c.w, c.c);
}

ShardConfig conv_output_config(const ConvGeometry& c, const ConvParallelConfig& p) {
  return conv_shard_config(p, c.n * c.ho * c.wo, c.k);
}

bool needs_copy(const std::optional<ShardConfig>& have, const std::optional<ShardConfig>& want) {
  if (have.has_value() != want.has_value()) return true;
  return have.has_value() && *have != *want;
}

}  // namespace tessera
