// Reshapes on the packet manager's engine against the same work done by the core's own L1 mover and
// RISC-V cores, and the im2col gather size.
#include <catch2/catch.hpp>

#include "core/compute_costs.h"
#include "packet_manager/reshaper.h"

using namespace tessera;

TEST_CASE("reshape engine streams every kind at its rate", "[core][reshape]") {
  const PacketManagerConfig pm;  // 32 B/cycle
  // 64 KiB = 65536 B / 32 = 2048 cycles for any kind.
  for (ReshapeKind kind : {ReshapeKind::transpose, ReshapeKind::flatten, ReshapeKind::tilize,
                           ReshapeKind::untilize, ReshapeKind::im2col})
    CHECK(reshape_engine_cycles(pm, kind, 65536) == 2048);
  CHECK(reshape_engine_cycles(pm, ReshapeKind::flatten, 33) == 2);  // a partial cycle counts
}

TEST_CASE("reshape on the core uses the mover for runs and RISC-V stores for a transpose", "[core][reshape]") {
  const CoreConfig core;
  const PacketManagerConfig pm;
  // Mover: 128 B per 11 cycles. 65536 B -> 512 bursts x 11 = 5632 cycles (2.75x the engine's 2048).
  CHECK(reshape_on_core_cycles(core, ReshapeKind::flatten, 65536) == 5632);
  CHECK(reshape_on_core_cycles(core, ReshapeKind::tilize, 65536) == 5632);
  CHECK(reshape_on_core_cycles(core, ReshapeKind::im2col, 65536) == 5632);
  // Transpose: one 4 B store per 5 cycles. 65536 B -> 16384 stores x 5 = 81920 cycles (40x the engine).
  CHECK(reshape_on_core_cycles(core, ReshapeKind::transpose, 65536) == 81920);
  CHECK(reshape_on_core_cycles(core, ReshapeKind::transpose, 65536) >
        reshape_engine_cycles(pm, ReshapeKind::transpose, 65536));
}

TEST_CASE("im2col gather bytes", "[core][reshape]") {
  // 3x3 conv, 16 channels, 40x40 outputs = 1600 patch rows of 144 columns, bf16.
  // Unpadded: 1600 x 144 x 2 B = 460800 B.
  CHECK(im2col_gather_bytes(1600, 3, 3, 16, 1, DataFormat::bf16, false) == 460800);
  // As tiles: 1600/32 = 50 row tiles x ceil(144/32) = 5 column tiles = 250 tiles x 2048 B = 512000 B.
  CHECK(im2col_gather_bytes(1600, 3, 3, 16, 1, DataFormat::bf16) == 512000);
  // Depthwise 3x3 over 32 channels (32 groups of 1 channel), 64 rows, bfp8:
  // per group 2 row tiles x 1 column tile (9 columns), x32 groups = 64 tiles x 1088 B = 69632 B.
  CHECK(im2col_gather_bytes(64, 3, 3, 1, 32, DataFormat::bfp8) == 69632);
  // Engine (32 B/cycle) vs mover (128 B / 11 cycles) for the bf16 gather: 16000 vs 44000 cycles.
  CHECK(reshape_engine_cycles(PacketManagerConfig{}, ReshapeKind::im2col, 512000) == 16000);
  CHECK(reshape_on_core_cycles(CoreConfig{}, ReshapeKind::im2col, 512000) == 44000);
}
