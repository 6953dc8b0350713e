// Row-wise reductions: softmax, layernorm and RMSNorm, composed of vector-unit functions and matrix-unit
// reductions (core/compute_costs.cpp). A core needs whole rows of its output.
#include "sim/ops/op_rules.h"

namespace tessera {
namespace {

template <MathKind Kind>
void row_work(const Graph&, const Op&, const BlockWork& b, ComputeCmd& cmd) { block_math(cmd, Kind, b); }

// Layernorm runs as passes over the row through circular buffers in L1 (tt-metal's layernorm kernel):
// the mean's reduce, x - mean, its square, the variance's reduce, x_hat = (x - mean) * rstd, * gamma,
// + beta. Each pass unpacks what the one before packed. Per output tile, beyond the input's one read, the
// unpackers read 7 tiles (x again for x - mean, x - mean twice for the square, then the square, x - mean,
// x_hat and the gamma product once each) and the packers write 4 beyond the output. The intermediates are
// taken in the output's format (tt-metal keeps them in fp32 under fp32 accumulation, which the trace does
// not say: then they are twice the bytes).
void layernorm_work(const Graph&, const Op&, const BlockWork& b, ComputeCmd& cmd) {
  block_math(cmd, MathKind::layernorm, b);
  const uint64_t tile = tile_bytes(b.out_format);
  cmd.unpack.push_back({7 * b.tiles * tile, false});
  cmd.pack_bytes += 4 * b.tiles * tile;
}

}  // namespace

OpRulesTable norm_op_rules() {
  OpRules softmax, layernorm, rmsnorm;
  softmax.whole_rows = layernorm.whole_rows = rmsnorm.whole_rows = true;
  softmax.work = row_work<MathKind::softmax>;
  layernorm.work = layernorm_work;
  rmsnorm.work = row_work<MathKind::rmsnorm>;
  return {{OpType::softmax, softmax}, {OpType::layernorm, layernorm}, {OpType::rmsnorm, rmsnorm}};
}

}  // namespace tessera
