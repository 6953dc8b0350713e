// Compute engine timing: matrix unit at its configured peak, skinny activations, element-wise, vector and
// composite ops, unpack and pack rates. Expected values are derived by hand from the defaults in
// core/core_config.h and core/compute_costs.cpp (see docs/core.md).
#include <catch2/catch.hpp>

#include <stdexcept>

#include "core/compute_costs.h"
#include "core/compute_pipeline.h"

using namespace tessera;

TEST_CASE("matmul of N tiles runs at the configured peak", "[core][compute]") {
  const ComputeCosts costs{CoreConfig{}};
  // 2x5 output tiles, k = 1: 10 tile products x 16 cycles (LoFi) = 160.
  CHECK(costs.matmul_cycles(2, 5, 1, Fidelity::lofi) == 160);
  // 2x3 output tiles, k = 4: 24 products x 32 cycles (HiFi2) = 768; at HiFi4 x 64 = 1536.
  CHECK(costs.matmul_cycles(2, 3, 4, Fidelity::hifi2) == 768);
  CHECK(costs.matmul_cycles(2, 3, 4, Fidelity::hifi4) == 1536);
  // HiFi3: 48 cycles per product, 7 products = 336.
  CHECK(costs.matmul_cycles(7, 1, 1, Fidelity::hifi3) == 336);

  // Peak: 2 x 32^3 = 65536 FLOP per tile product / 16 cycles = 4096 FLOP/cycle at LoFi (S-ME: 2048 MAC/cycle),
  // 65536 / 64 = 1024 at HiFi4.
  CHECK(costs.peak_flops_per_cycle(Fidelity::lofi) == Approx(4096.0));
  CHECK(costs.peak_flops_per_cycle(Fidelity::hifi4) == Approx(1024.0));
  // Achieved FLOP/cycle on a 8x8x8-tile matmul equals the peak: 512 products x 65536 / (512 x 16).
  const double flops = 512.0 * 65536.0;
  CHECK(flops / double(costs.matmul_cycles(8, 8, 8, Fidelity::lofi)) == Approx(4096.0));
}

TEST_CASE("skinny activations cost whole 8-row passes", "[core][compute]") {
  const ComputeCosts costs{CoreConfig{}};
  // A full tile is 4 passes of 8 rows: 16 cycles at LoFi = 4 cycles per pass.
  // 1 row: never fewer than matmul_min_rows = 8 rows -> 1 pass = 4 cycles per tile; 10 tiles = 40.
  CHECK(costs.matmul_cycles(10, 1, 1, Fidelity::lofi, 1) == 40);
  // 8 rows: 1 pass; 9 rows: 2 passes (8 cycles); 20 rows: ceil(20/8) = 3 passes = 12 cycles; x10 tiles.
  CHECK(costs.matmul_cycles(10, 1, 1, Fidelity::lofi, 8) == 40);
  CHECK(costs.matmul_cycles(10, 1, 1, Fidelity::lofi, 9) == 80);
  CHECK(costs.matmul_cycles(10, 1, 1, Fidelity::lofi, 20) == 120);
  CHECK(costs.matmul_cycles(10, 1, 1, Fidelity::lofi, 32) == 160);
  // HiFi4, 1 row: 64 / 4 = 16 cycles per tile; 3 x 2 x 2 = 12 products -> 192.
  CHECK(costs.matmul_cycles(3, 2, 2, Fidelity::hifi4, 1) == 192);

  CoreConfig wide_minimum;
  wide_minimum.matmul_min_rows = 16;
  // 1 row billed as 16 rows = 2 passes = 8 cycles at LoFi.
  CHECK(ComputeCosts{wide_minimum}.matmul_cycles(1, 1, 1, Fidelity::lofi, 1) == 8);

  CHECK_THROWS_AS(costs.matmul_cycles(1, 1, 1, Fidelity::lofi, 0), std::invalid_argument);
  CHECK_THROWS_AS(costs.matmul_cycles(1, 1, 1, Fidelity::lofi, 33), std::invalid_argument);
}

TEST_CASE("element-wise add is flat while mul repeats per fidelity phase and div adds a reciprocal", "[core][compute]") {
  const ComputeCosts costs{CoreConfig{}};
  // add/sub: 8 cycles per tile whatever the fidelity.
  CHECK(costs.eltwise_cycles("add", 10, Fidelity::hifi4) == 80);
  CHECK(costs.eltwise_cycles("sub", 3, Fidelity::lofi) == 24);
  // mul: 8 cycles x phases; HiFi2 = 2 phases -> 16 per tile, x10 = 160.
  CHECK(costs.eltwise_cycles("mul", 10, Fidelity::hifi2) == 160);
  // div at LoFi: recip on the vector unit (14 instructions x 32 rows = 448) + mul (8) = 456 per tile.
  CHECK(costs.eltwise_cycles("div", 2, Fidelity::lofi) == 912);
  CHECK_THROWS_AS(costs.eltwise_cycles("pow", 1, Fidelity::lofi), std::invalid_argument);
}

TEST_CASE("vector functions cost instructions per row x 32 rows and config overrides merge", "[core][compute]") {
  const ComputeCosts costs{CoreConfig{}};
  // copy: load + store = 2 per row -> 64 per tile.
  CHECK(costs.vector_cycles("copy", 1) == 64);
  // relu: load, set-cc, move 0, end-cc, store = 5 per row -> 160 per tile; 4 tiles = 640.
  CHECK(costs.vector_cycles("relu", 4) == 640);
  // exp: 21 per row -> 672; sigmoid 36 -> 1152; silu 38 -> 1216.
  CHECK(costs.vector_cycles("exp", 1) == 672);
  CHECK(costs.vector_cycles("sigmoid", 1) == 1152);
  CHECK(costs.vector_cycles("silu", 1) == 1216);
  CHECK_THROWS_AS(costs.vector_cycles("softplus", 1), std::invalid_argument);

  // Every function the executor may name has a default.
  for (const char* name : {"relu", "silu", "sigmoid", "gelu", "exp", "tanh", "hardswish", "hardsigmoid", "relu6",
                           "recip", "max", "copy"})
    CHECK(default_vector_cycles_per_tile().count(name) == 1);

  CoreConfig tuned;
  tuned.vector_cycles_per_tile["relu"] = 50;
  const ComputeCosts tuned_costs{tuned};
  CHECK(tuned_costs.vector_cycles("relu", 2) == 100);
  CHECK(tuned_costs.vector_cycles("exp", 1) == 672);  // untouched default
}

TEST_CASE("softmax and norms are the sum of their pieces", "[core][compute]") {
  const ComputeCosts costs{CoreConfig{}};
  // Softmax, 4 tiles in one row, HiFi4. Per tile: max reduce 16 + sub 8 + exp 672 + sum reduce 16
  // + mul 8 x 4 phases = 32 -> 744; x4 = 2976. Per row: recip 448. Total 3424.
  CHECK(costs.softmax_cycles(4, 4) == 3424);
  // Same tiles as 4 rows of 1 tile: 2976 + 4 x 448 = 4768.
  CHECK(costs.softmax_cycles(4) == 4768);
  // At LoFi the mul is 8: per tile 720, x4 = 2880 + 448 = 3328.
  CHECK(costs.softmax_cycles(4, 4, Fidelity::lofi) == 3328);

  // RMSNorm, 4 tiles in one row, HiFi4: per tile x^2 32 + sum 16 + x*rstd 32 + *gamma 32 = 112 -> 448.
  // Per row: +eps 8 + rsqrt (16 x 32 = 512) = 520. Total 968.
  CHECK(costs.norm_cycles(4, true, 4) == 968);
  // Layernorm adds mean reduce 16, x-mean 8, +beta 8 per tile: 144 x 4 = 576 + 520 = 1096.
  CHECK(costs.norm_cycles(4, false, 4) == 1096);
}

TEST_CASE("reduction unpack pack and kernel launch rates", "[core][compute]") {
  const ComputeCosts costs{CoreConfig{}};
  CHECK(costs.reduce_cycles(9) == 144);  // 9 x 16
  // bfp8 tile 1088 B at 64 B/cycle = 17 cycles; compressed at x1 (16 B/cycle) = 68.
  CHECK(costs.unpack_cycles(tile_bytes(DataFormat::bfp8), false) == 17);
  CHECK(costs.unpack_cycles(tile_bytes(DataFormat::bfp8), true) == 68);
  // bf16 2048 B / 64 = 32; bfp2 320 B forced to x1 = 20; bfp4 576 / 64 = 9.
  CHECK(costs.unpack_cycles(tile_bytes(DataFormat::bf16), false) == 32);
  CHECK(costs.unpack_cycles(tile_bytes(DataFormat::bfp2), true) == 20);
  CHECK(costs.unpack_cycles(tile_bytes(DataFormat::bfp4), false) == 9);
  // Pack: 64 B/cycle; a partial cycle counts whole: 2048 -> 32, 100 -> 2.
  CHECK(costs.pack_cycles(2048) == 32);
  CHECK(costs.pack_cycles(100) == 2);
  CHECK(costs.kernel_launch_cycles() == 400);
}

// The compute kernel's steps (docs/core.md, "Compute kernel steps"), counted by hand from tt-metal's
// kernels: a tile call per tile per LLK call, a full pass per init with its reconfiguration.
TEST_CASE("compute kernel steps: tile handshakes, passes and a scalar tile's fill", "[core][compute][llk]") {
  CoreConfig config;
  config.llk_tile_cycles = 20;
  config.llk_pass_cycles = 2500;
  const ComputeCosts costs{config};
  auto work = [](MathKind kind, uint64_t tiles, uint64_t per_row = 1, std::string fn = {}) {
    MathWork w;
    w.kind = kind;
    w.tiles = tiles;
    w.tiles_per_row = per_row;
    w.function = std::move(fn);
    w.fidelity = Fidelity::hifi4;
    return w;
  };
  const ReshapeWork none;

  // N tiles through a unary op: N calls, no pass beyond the kernel's start (kernel_launch_cycles).
  const KernelSteps unary = costs.kernel_steps(work(MathKind::vector, 3, 1, "relu"), none, 3, true);
  CHECK(unary.tile_calls == 3);
  CHECK(unary.passes == 0);
  CHECK(costs.kernel_step_cycles(unary) == 3 * 20);

  // Softmax, one row of 4 tiles: max, x - max and exp, sum and 1/sum, x * 1/sum = 4 x 4 calls + the packed
  // max and 1/sum = 18 calls, 4 passes: 18 x 20 + 4 x 2500 = 10360. Two rows of one tile: 2 x (4 + 2) = 12
  // calls, 8 passes.
  CHECK(costs.kernel_step_cycles(costs.kernel_steps(work(MathKind::softmax, 4, 4), none, 4, false)) == 10360);
  const KernelSteps two_rows = costs.kernel_steps(work(MathKind::softmax, 2, 1), none, 2, false);
  CHECK(two_rows.tile_calls == 12);
  CHECK(two_rows.passes == 8);

  // Layernorm, one row of 40 tiles (CLIP's hidden 1280): 7 x 40 + 3 = 283 calls, 5 passes = 18160.
  CHECK(costs.kernel_step_cycles(costs.kernel_steps(work(MathKind::layernorm, 40, 40), none, 40, false)) ==
        283 * 20 + 5 * 2500);
  // RMSNorm, one row of 8 tiles: 4 x 8 + 2 = 34 calls, 3 passes.
  const KernelSteps rms = costs.kernel_steps(work(MathKind::rmsnorm, 8, 8), none, 8, false);
  CHECK(rms.tile_calls == 34);
  CHECK(rms.passes == 3);

  // Tilize runs on the compute kernel, a call per tile; a flatten does not; the matmul's blocked kernel is
  // not charged per tile.
  ReshapeWork tilize;
  tilize.kind = ReshapeKind::tilize;
  tilize.bytes = 6 * 2048;
  CHECK(costs.kernel_steps(MathWork{}, tilize, 6, true).tile_calls == 6);
  ReshapeWork flatten = tilize;
  flatten.kind = ReshapeKind::flatten;
  CHECK(costs.kernel_step_cycles(costs.kernel_steps(MathWork{}, flatten, 6, true)) == 0);
  MathWork mm = work(MathKind::matmul, 0);
  mm.m_tiles = mm.n_tiles = mm.k_tiles = 4;
  CHECK(costs.kernel_step_cycles(costs.kernel_steps(mm, none, 64, true)) == 0);

  // A scalar operand's bf16 tile filled before the first call: 2048 B / 4 B a store x 5 cycles = 2560,
  // once per kernel (the first block only).
  MathWork scalar_mul = work(MathKind::eltwise, 1, 1, "mul");
  scalar_mul.filled_tile_bytes = 2048;
  CHECK(costs.kernel_step_cycles(costs.kernel_steps(scalar_mul, none, 1, true)) == 2560 + 20);
  CHECK(costs.kernel_step_cycles(costs.kernel_steps(scalar_mul, none, 1, false)) == 20);

  // Off: both rates 0 charge nothing.
  CoreConfig off = config;
  off.llk_tile_cycles = off.llk_pass_cycles = 0;
  CHECK(ComputeCosts{off}.kernel_step_cycles(ComputeCosts{off}.kernel_steps(work(MathKind::softmax, 4, 4), none, 4, true)) == 0);
}

TEST_CASE("the math stage carries the kernel's steps", "[core][compute][llk]") {
  CoreConfig config;
  config.llk_tile_cycles = 20;
  config.llk_pass_cycles = 2500;
  const ComputeCosts costs{config};
  ComputeCmd cmd;
  cmd.math.kind = MathKind::vector;
  cmd.math.function = "relu";
  cmd.math.tiles = 3;
  cmd.stream_tiles = 3;
  cmd.launches_kernel = true;
  // relu: 5 instructions a row x 32 rows = 160 cycles a tile; 3 tiles 480, plus 3 handshakes of 20.
  CHECK(price_block(cmd, costs, false).math == 3 * 160 + 3 * 20);
  // Softmax over one tile at HiFi4: 2 reduces (16) + sub (8) + exp (672) + mul (4 x 8) + recip (448) = 1192,
  // plus 6 calls x 20 and 4 passes x 2500.
  cmd.math.kind = MathKind::softmax;
  cmd.math.tiles = 1;
  cmd.math.fidelity = Fidelity::hifi4;
  CHECK(price_block(cmd, costs, false).math == 1192 + 6 * 20 + 4 * 2500);
}
