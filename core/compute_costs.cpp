#include "core/compute_costs.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace tessera {
namespace {

uint64_t ceil_div(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

// A 32x32x32 tile product is 4 passes of the matrix unit over 8 rows of the activation (S-ME: each MVMUL is
// Dst(8x16) += SrcB(8x16) @ SrcA(16x16)).
constexpr uint32_t kRowsPerPass = 8;
constexpr uint32_t kPassesPerTile = kTileDim / kRowsPerPass;

// The vector unit has 32 lanes and issues one instruction per cycle (S-ISA-WH VectorUnit), so a 32x32 tile
// is 32 rows of one instruction each. Every function costs (instructions per row) x 32 cycles per tile.
// Instruction counts are estimates for the accurate (non-LUT) versions: each row loads from Dst, computes
// and stores back; a NOP follows each dependent SFPMAD/SFPMUL because SFPMAD has a latency of 2 cycles.
// A "clamp" (conditional move) is SFPSETCC + SFPMOV + SFPENCC = 3; against a non-zero bound it needs an
// SFPADDI first = 4.
constexpr uint32_t kRowsPerTile = kTileDim;
constexpr uint32_t kLoadStore = 2;               // SFPLOAD + SFPSTORE
constexpr uint32_t kExpBody = 19;                // x*log2(e) (2), split int/frac (3), degree-4 Horner (8),
                                                 // exponent insert (3), underflow clamp (3)
constexpr uint32_t kRecipBody = 12;              // exponent-negated seed (3), 2 Newton steps of 2 MADs+NOPs (8),
                                                 // sign restore (1)
constexpr uint32_t kRsqrtBody = 14;              // shift-subtract seed (2), 2 Newton steps of 3 MADs+NOPs (12)
constexpr uint32_t kSigmoidBody = 1 + kExpBody + 2 + kRecipBody;  // negate, exp, +1 (ADDI+NOP), recip
constexpr uint32_t kTanhBody = 1 + kSigmoidBody + 2;              // x*2, sigmoid, 2s-1 (MAD+NOP)
constexpr uint32_t kHardsigmoidBody = 2 + 3 + 4;                   // x/6+0.5 (MAD+NOP), clamp 0, clamp 1

}  // namespace

std::map<std::string, uint32_t> default_vector_cycles_per_tile() {
  const std::map<std::string, uint32_t> instructions_per_row = {
      {"copy", kLoadStore},                                   // 2
      {"relu", kLoadStore + 3},                               // 5: clamp at 0
      {"relu6", kLoadStore + 3 + 4},                          // 9: clamp at 0 and at 6
      {"max", kLoadStore + 1 + 2},                            // 5: second load, SFPSWAP (+1 latency)
      {"hardsigmoid", kLoadStore + kHardsigmoidBody},         // 11
      {"hardswish", kLoadStore + kHardsigmoidBody + 2},       // 13: hardsigmoid, x* (MUL+NOP)
      {"exp", kLoadStore + kExpBody},                         // 21
      {"recip", kLoadStore + kRecipBody},                     // 14
      {"rsqrt", kLoadStore + kRsqrtBody},                     // 16
      {"sqrt", kLoadStore + kRsqrtBody + 2},                  // 18: x * rsqrt(x)
      {"sigmoid", kLoadStore + kSigmoidBody},                 // 36
      {"silu", kLoadStore + kSigmoidBody + 2},                // 38: x * sigmoid(x)
      {"tanh", kLoadStore + kTanhBody},                       // 39
      // gelu, tanh form: x^2, x^3, a*x^3+x, *sqrt(2/pi) (2 each), tanh, 1+t, *x (MUL+NOP), *0.5
      {"gelu", kLoadStore + 2 + 2 + 2 + 2 + kTanhBody + 1 + 2 + 1},  // 51
  };
  std::map<std::string, uint32_t> cycles;
  for (const auto& [name, instructions] : instructions_per_row) cycles[name] = instructions * kRowsPerTile;
  return cycles;
}

ComputeCosts::ComputeCosts(const CoreConfig& config)
    : config_(config), vector_cycles_per_tile_(default_vector_cycles_per_tile()) {
  for (const auto& [name, cycles] : config.vector_cycles_per_tile) vector_cycles_per_tile_[name] = cycles;
}

uint64_t ComputeCosts::matmul_cycles(uint64_t m_tiles, uint64_t n_tiles, uint64_t k_tiles, Fidelity fidelity,
                                     uint32_t rows_per_m_tile) const {
  if (rows_per_m_tile == 0 || rows_per_m_tile > uint32_t(kTileDim))
    throw std::invalid_argument("matmul rows per tile must be 1..32, got " + std::to_string(rows_per_m_tile));
  const uint64_t tile_cycles = config_.matmul_cycles_per_tile[static_cast<int>(fidelity)];
  const uint32_t rows = std::max(rows_per_m_tile, config_.matmul_min_rows);
  const uint64_t passes = std::min<uint64_t>(ceil_div(rows, kRowsPerPass), kPassesPerTile);
  const uint64_t products = m_tiles * n_tiles * k_tiles;
  return ceil_div(products * tile_cycles * passes, kPassesPerTile);
}

uint64_t ComputeCosts::eltwise_cycles(const std::string& op, uint64_t tiles, Fidelity fidelity) const {
  const uint64_t mul_cycles = uint64_t(config_.eltwise_mul_cycles_per_tile) * fidelity_phases(fidelity);
  if (op == "add" || op == "sub") return tiles * config_.eltwise_add_cycles_per_tile;
  if (op == "mul") return tiles * mul_cycles;
  // a / b = a * (1/b): the reciprocal runs on the vector unit, the product on the matrix unit.
  if (op == "div") return tiles * (vector_cycles_per_tile("recip") + mul_cycles);
  throw std::invalid_argument("unknown element-wise op '" + op + "' (expected add, sub, mul or div)");
}

uint64_t ComputeCosts::vector_cycles_per_tile(const std::string& function) const {
  auto it = vector_cycles_per_tile_.find(function);
  if (it == vector_cycles_per_tile_.end())
    throw std::invalid_argument("unknown vector function '" + function + "'");
  return it->second;
}

uint64_t ComputeCosts::vector_cycles(const std::string& function, uint64_t tiles) const {
  return tiles * vector_cycles_per_tile(function);
}

uint64_t ComputeCosts::softmax_cycles(uint64_t tiles, uint64_t tiles_per_row, Fidelity fidelity) const {
  const uint64_t rows = ceil_div(tiles, std::max<uint64_t>(tiles_per_row, 1));
  // Per tile: row max (reduce), x - max, exp, row sum (reduce), x * (1/sum). Per row: one reciprocal tile.
  const uint64_t per_tile = 2 * config_.reduce_cycles_per_tile + config_.eltwise_add_cycles_per_tile +
                            vector_cycles_per_tile("exp") + eltwise_cycles("mul", 1, fidelity);
  return tiles * per_tile + rows * vector_cycles_per_tile("recip");
}

uint64_t ComputeCosts::norm_cycles(uint64_t tiles, bool rms, uint64_t tiles_per_row, Fidelity fidelity) const {
  const uint64_t rows = ceil_div(tiles, std::max<uint64_t>(tiles_per_row, 1));
  const uint64_t add = config_.eltwise_add_cycles_per_tile;
  const uint64_t mul = eltwise_cycles("mul", 1, fidelity);
  const uint64_t reduce = config_.reduce_cycles_per_tile;
  // RMSNorm per tile: x^2, row sum, x * rstd, * gamma. Layernorm adds the row mean, x - mean and + beta.
  uint64_t per_tile = mul + reduce + mul + mul;
  if (!rms) per_tile += reduce + add + add;
  // Per row: var + eps, then 1/sqrt on one tile.
  const uint64_t per_row = add + vector_cycles_per_tile("rsqrt");
  return tiles * per_tile + rows * per_row;
}

// tt-metal's group norm kernel goes group by group, and for each over the tiles the group spans in every
// tile row: the input masked to the group (a multiply), summed by a multiply into the accumulator, x - mean,
// masked again, squared into the accumulator, times rstd, then added into the output: five multiplies, a
// subtract and an add per visit. Per group of the block (counted per visit, as a group spans one tile but
// for a few straddling two): two scalar reduces and var + eps, rsqrt. Then gamma and beta once per tile.
uint64_t ComputeCosts::groupnorm_cycles(uint64_t tiles, uint64_t tiles_per_row, uint64_t visits,
                                        Fidelity fidelity) const {
  const uint64_t rows = ceil_div(tiles, std::max<uint64_t>(tiles_per_row, 1));
  const uint64_t add = config_.eltwise_add_cycles_per_tile;
  const uint64_t mul = eltwise_cycles("mul", 1, fidelity);
  const uint64_t per_visit = 5 * mul + 2 * add;
  const uint64_t per_group = 2 * config_.reduce_cycles_per_tile + add + vector_cycles_per_tile("rsqrt");
  return rows * visits * per_visit + visits * per_group + tiles * (mul + add);
}

uint64_t ComputeCosts::reduce_cycles(uint64_t input_tiles) const {
  return input_tiles * config_.reduce_cycles_per_tile;
}

uint64_t ComputeCosts::unpack_cycles(uint64_t bytes, bool compressed_or_bfp2) const {
  uint64_t rate = std::min(config_.unpack_bytes_per_cycle, config_.sram_read_bytes_per_cycle);
  if (compressed_or_bfp2) rate = std::min<uint64_t>(rate, config_.unpack_compressed_bytes_per_cycle);
  return ceil_div(bytes, std::max<uint64_t>(rate, 1));
}

uint64_t ComputeCosts::pack_cycles(uint64_t bytes) const {
  const uint64_t rate = std::min(config_.pack_bytes_per_cycle, config_.sram_write_bytes_per_cycle);
  return ceil_div(bytes, std::max<uint64_t>(rate, 1));
}

uint64_t ComputeCosts::kernel_launch_cycles() const { return config_.kernel_launch_cycles; }

// The steps follow tt-metal's compute kernels (ttnn's eltwise binary and unary, softmax, layernorm, group
// norm, tilize and untilize kernels): a tile call is one tile taken from a circular buffer, through one
// LLK call into Dst and packed out, the unpack, math and pack threads handing it on through semaphores; a
// pass is a full LLK init with its data-format reconfiguration, which cannot overlap the pass before it
// when it reads what that pass packed (the threads drain). The short re-inits a kernel makes inside a
// loop (the norms' per-Dst-block x_hat, gamma and beta) are not passes. W = tiles per row, R = rows.
KernelSteps ComputeCosts::kernel_steps(const MathWork& w, const ReshapeWork& reshape, uint64_t stream_tiles,
                                       bool launches_kernel) const {
  KernelSteps s;
  const uint64_t width = std::max<uint64_t>(w.tiles_per_row, 1);
  const uint64_t rows = ceil_div(w.tiles, width);
  switch (w.kind) {
    case MathKind::none:
      // Tilize and untilize run on the compute kernel, one call per tile; other layout changes do not.
      if (reshape.bytes && (reshape.kind == ReshapeKind::tilize || reshape.kind == ReshapeKind::untilize))
        s.tile_calls = stream_tiles;
      break;
    // The matrix unit's blocked kernel hands on one output sub-block per k-block, not a tile per call;
    // its costs are the tile products' (not charged here).
    case MathKind::matmul: break;
    case MathKind::eltwise: s.tile_calls = w.tiles; break;
    case MathKind::vector:
    case MathKind::reduce: s.tile_calls = w.tiles * w.window; break;
    // Numerically stable softmax, per row: max reduce (W calls, one packed max), x - max with exp (W),
    // sum reduce with its reciprocal (W, one packed 1/sum), x * 1/sum (W): four passes.
    case MathKind::softmax:
      s.tile_calls = 4 * w.tiles + 2 * rows;
      s.passes = 4 * rows;
      break;
    // Layernorm, per row: mean reduce, x - mean, square, variance reduce (W calls and a pass each),
    // var + eps with sqrt and reciprocal (one call, one pass), then x_hat, * gamma, + beta (W calls each).
    case MathKind::layernorm:
      s.tile_calls = 7 * w.tiles + 3 * rows;
      s.passes = 5 * rows;
      break;
    // RMSNorm: square, reduce, + eps with rsqrt (three passes), then x_hat and * gamma.
    case MathKind::rmsnorm:
      s.tile_calls = 4 * w.tiles + 2 * rows;
      s.passes = 3 * rows;
      break;
    // Group norm: seven calls a tile per visit (groupnorm_cycles), three a group, gamma and beta a tile;
    // seven passes a group and the two of gamma and beta.
    case MathKind::groupnorm:
      s.tile_calls = 7 * rows * w.window + 3 * w.window + 2 * w.tiles;
      s.passes = 7 * w.window + 2;
      break;
    case MathKind::topk: s.tile_calls = 2 * w.tiles * width; break;
    case MathKind::combine: s.tile_calls = 2 * w.tiles; break;
  }
  // The kernel's start-up is kernel_launch_cycles (the pipeline's); what it fills before its first call is
  // the fill's.
  if (launches_kernel) s.filled_bytes = w.filled_tile_bytes;
  return s;
}

uint64_t ComputeCosts::kernel_step_cycles(const KernelSteps& s) const {
  // One word stored at a time, as a RISC-V core stores to L1.
  const uint64_t fill = ceil_div(s.filled_bytes, std::max<uint64_t>(config_.riscv_l1_store_bytes, 1)) *
                        config_.riscv_l1_store_cycles;
  return s.tile_calls * config_.llk_tile_cycles + s.passes * config_.llk_pass_cycles + fill;
}

uint64_t ComputeCosts::math_cycles(const MathWork& w) const {
  switch (w.kind) {
    case MathKind::none: return 0;
    case MathKind::matmul: {
      const double products = double(w.batches) * double(matmul_cycles(w.m_tiles, w.n_tiles, w.k_tiles, w.fidelity,
                                                                        w.rows_per_m_tile));
      // All-zero A tiles are skipped; the vector unit's 32 lanes run the Winograd transforms.
      return uint64_t(std::ceil(products * w.live_fraction)) + ceil_div(w.vector_lane_ops, 32);
    }
    case MathKind::eltwise: return eltwise_cycles(w.function, w.tiles, w.fidelity);
    case MathKind::vector: return vector_cycles(w.function, w.tiles * w.window);
    case MathKind::reduce: return reduce_cycles(w.tiles * w.window);
    case MathKind::softmax: return softmax_cycles(w.tiles, w.tiles_per_row, w.fidelity);
    case MathKind::layernorm: return norm_cycles(w.tiles, false, w.tiles_per_row, w.fidelity);
    case MathKind::rmsnorm: return norm_cycles(w.tiles, true, w.tiles_per_row, w.fidelity);
    case MathKind::groupnorm: return groupnorm_cycles(w.tiles, w.tiles_per_row, w.window, w.fidelity);
    // Top-k routing: a compare-and-swap pass over every row tile, twice (values and indices).
    case MathKind::topk: return vector_cycles("max", w.tiles * w.tiles_per_row * 2);
    // Weighted sum of expert outputs: a multiply and an accumulate per tile.
    case MathKind::combine: return eltwise_cycles("mul", w.tiles, w.fidelity) + eltwise_cycles("add", w.tiles, w.fidelity);
  }
  return 0;
}

uint64_t ComputeCosts::unpack_cycles(const std::vector<UnpackRead>& reads) const {
  uint64_t cycles = 0;
  for (const UnpackRead& r : reads) cycles += unpack_cycles(r.bytes, r.slow);
  return cycles;
}

uint64_t ComputeCosts::reshape_cycles(const ReshapeWork& w) const {
  if (w.bytes == 0) return 0;
  const uint64_t move = reshape_on_core_cycles(config_, w.kind, w.bytes);
  return std::max(move, unpack_cycles(w.compressed_bytes, true));
}

uint64_t reshape_on_core_cycles(const CoreConfig& config, ReshapeKind kind, uint64_t bytes) {
  auto at = [bytes](uint64_t bytes_per_step, uint64_t cycles_per_step) {
    if (bytes_per_step == 0) throw std::invalid_argument("reshape rate must be positive");
    return ceil_div(bytes * cycles_per_step, bytes_per_step);
  };
  switch (kind) {
    case ReshapeKind::transpose: return at(config.riscv_l1_store_bytes, config.riscv_l1_store_cycles);
    case ReshapeKind::flatten:
    case ReshapeKind::tilize:
    case ReshapeKind::untilize:
    case ReshapeKind::im2col: return at(config.l1_mover_bytes, config.l1_mover_cycles);
  }
  throw std::invalid_argument("unknown reshape kind");
}

double ComputeCosts::peak_flops_per_cycle(Fidelity fidelity) const {
  constexpr double kTileProductFlops = 2.0 * kTileDim * kTileDim * kTileDim;
  return kTileProductFlops / config_.matmul_cycles_per_tile[static_cast<int>(fidelity)];
}

}  // namespace tessera
