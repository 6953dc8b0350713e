// Format changes: bytes follow the tile-size table (2048 / 1088 / 576 / 320 B), cycles follow the
// unpack and pack rates.
#include <catch2/catch.hpp>

#include "packet_manager/format_converter.h"

using namespace tessera;

TEST_CASE("format conversion changes bytes as the tile table says", "[core][format]") {
  CHECK(converted_tile_bytes(DataFormat::bfp8, 3) == 3264);  // 3 x 1088
  CHECK(converted_bytes(DataFormat::bf16, DataFormat::bfp8, 3 * 2048) == 3264);
  CHECK(converted_bytes(DataFormat::bfp8, DataFormat::bf16, 1088) == 2048);
  CHECK(converted_bytes(DataFormat::fp32, DataFormat::bfp4, 4096) == 576);
  CHECK(converted_bytes(DataFormat::bf16, DataFormat::bfp2, 2048) == 320);
  CHECK(converted_bytes(DataFormat::bf16, DataFormat::fp16, 2048) == 2048);
  // Half a bf16 tile (1024 B) -> half a bfp8 tile = 544 B.
  CHECK(converted_bytes(DataFormat::bf16, DataFormat::bfp8, 1024) == 544);
}

TEST_CASE("standalone conversion streams through unpack and pack", "[core][format]") {
  const CoreConfig core;
  // bf16 -> bfp8, 4 tiles: unpack 2048/64 = 32 per tile, pack 1088/64 = 17 per tile.
  // Fill with the faster stage (17), then the slower stage paces: 17 + 4 x 32 = 145.
  CHECK(core_conversion_cycles(core, DataFormat::bf16, DataFormat::bfp8, 4) == 145);
  // bfp2 -> bf16: bfp2 unpacks at x1, 320/16 = 20; pack 2048/64 = 32: 20 + 4 x 32 = 148.
  CHECK(core_conversion_cycles(core, DataFormat::bfp2, DataFormat::bf16, 4) == 148);
  // fp32 -> bfp8: unpack 4096/64 = 64, pack 17: 17 + 2 x 64 = 145.
  CHECK(core_conversion_cycles(core, DataFormat::fp32, DataFormat::bfp8, 2) == 145);
  CHECK(core_conversion_cycles(core, DataFormat::fp32, DataFormat::bfp8, 0) == 0);
  // An engine at 32 B/cycle is limited by the larger side: bf16 2048 B in, 1088 out -> 64 cycles;
  // bfp4 576 in, bf16 2048 out -> 64 cycles.
  CHECK(engine_conversion_cycles(DataFormat::bf16, DataFormat::bfp8, 2048, 32) == 64);
  CHECK(engine_conversion_cycles(DataFormat::bfp4, DataFormat::bf16, 576, 32) == 64);
}
