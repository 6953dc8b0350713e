// Compute engine timing: matrix unit at its configured peak, skinny activations, element-wise, vector and
// composite ops, unpack and pack rates. Expected values are derived by hand from the defaults in
// core/core_config.h and core/compute_costs.cpp (see docs/core.md).
#include <catch2/catch.hpp>

#include <stdexcept>

#include "core/compute_costs.h"

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
