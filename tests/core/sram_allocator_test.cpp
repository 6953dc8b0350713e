// Per-core SRAM allocation: first fit, coalescing on release, and the message when it runs out.
#include <catch2/catch.hpp>

#include <string>

#include "core/sram_allocator.h"

using namespace tessera;

TEST_CASE("SRAM exhaustion names the core and the buffer and the bytes", "[core][sram]") {
  SramAllocator sram(1024 * 1024, "3_4");
  sram.allocate("cb.in0", 600 * 1024);
  sram.allocate("cb.in1", 300 * 1024);
  // Used 900 KiB = 921600 B; free 1048576 - 921600 = 126976 B; asking for 200 KiB = 204800 B fails.
  try {
    sram.allocate("cb.out", 200 * 1024);
    FAIL("allocation should have failed");
  } catch (const SramExhausted& e) {
    const std::string message = e.what();
    CHECK_THAT(message, Catch::Contains("core 3_4"));
    CHECK_THAT(message, Catch::Contains("'cb.out'"));
    CHECK_THAT(message, Catch::Contains("requested 204800 bytes"));
    CHECK_THAT(message, Catch::Contains("126976 bytes free"));
    CHECK_THAT(message, Catch::Contains("1048576 bytes capacity"));
  }
  CHECK(sram.used() == 921600);
  CHECK(sram.peak() == 921600);
}

TEST_CASE("first fit reuses holes and coalesces neighbours", "[core][sram]") {
  SramAllocator sram(4096, "0_0");
  // Sizes round up to 16 B: 100 -> 112, 200 -> 208, 300 -> 304.
  CHECK(sram.allocate("a", 100) == 0);
  CHECK(sram.allocate("b", 200) == 112);
  CHECK(sram.allocate("c", 300) == 320);
  CHECK(sram.used() == 624);
  sram.release("b");
  // 150 -> 160 fits the 208 B hole left by b.
  CHECK(sram.allocate("d", 150) == 112);
  sram.release("a");
  sram.release("d");
  // a (0..112), d (112..272) and the 48 B left of b's hole (272..320) merge into one 320 B block.
  CHECK(sram.largest_free_block() == 4096 - 624);
  CHECK(sram.allocate("e", 320) == 0);
  CHECK(sram.used() == 624);
  // Peak stayed at a + b + c = 624 (a + d + c = 576 was lower).
  CHECK(sram.peak() == 624);
  sram.release("c");
  sram.release("e");
  CHECK(sram.used() == 0);
  CHECK(sram.largest_free_block() == 4096);

  CHECK_THROWS_AS(sram.release("never"), std::logic_error);
  sram.allocate("x", 16);
  CHECK_THROWS_AS(sram.allocate("x", 16), std::logic_error);
}
