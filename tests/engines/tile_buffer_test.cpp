// TileBuffer on its own: cumulative levels and the cycle each was reached, room in a bounded buffer
// (tiles landed or reserved, less those popped), and the resident accounting the chip's SRAM check reads:
// bytes taken on reserve or push, freed on pop, drain or release, with the peak.
#include <catch2/catch.hpp>

#include <stdexcept>

#include "tests/engines/fake_chip.h"

using namespace tessera;
using namespace tessera::test;

TEST_CASE("a buffer records the cycle each cumulative level was first reached", "[engines][tile_buffer]") {
  sc_core::sc_event changed;
  TileBuffer b("in", 0, changed);
  Script s("script", [&] {
    wait_cycles(10);
    b.push(3);
    wait_cycles(5);
    b.push(2);
    b.push(1);  // same cycle: one level entry
  });
  sc_core::sc_start();
  CHECK(b.pushed() == 6);
  CHECK(b.reached(6));
  CHECK_FALSE(b.reached(7));
  auto at = [&](uint64_t level) { return b.time_reached(level).to_seconds() * 1e9; };
  CHECK(at(0) == Approx(0));
  CHECK(at(1) == Approx(10));
  CHECK(at(3) == Approx(10));
  CHECK(at(4) == Approx(15));
  CHECK(at(6) == Approx(15));
  CHECK_THROWS_AS(b.time_reached(7), std::logic_error);
}

TEST_CASE("a bounded buffer has room for what is neither landed nor reserved, and refuses over-popping",
          "[engines][tile_buffer]") {
  sc_core::sc_event changed;
  TileBuffer b("stream", 8, changed);
  Script s("script", [&] {
    CHECK(b.has_room(8));
    b.reserve(5);           // a read on its way
    CHECK(b.has_room(3));
    CHECK_FALSE(b.has_room(4));
    b.push(5);              // it landed: still 5 held
    CHECK_FALSE(b.has_room(4));
    b.pop(4);
    CHECK(b.has_room(7));
    CHECK_FALSE(b.has_room(8));
    CHECK_THROWS_AS(b.pop(2), std::logic_error);
  });
  sc_core::sc_start();
  CHECK(b.popped() == 4);
}

TEST_CASE("resident bytes are taken on reserve or push once and freed on pop, drain and release, with their peak",
          "[engines][tile_buffer]") {
  sc_core::sc_event changed;
  ResidencyMeter meter;
  TileBuffer a("a", 8, changed), c("c", 0, changed);
  a.attach(&meter, 2048);
  c.attach(&meter, 1024);   // e.g. compressed at 2:1
  Script s("script", [&] {
    a.reserve(4);           // 8192
    CHECK(meter.now() == 8192);
    a.push(4);              // the reserved tiles landing add nothing
    CHECK(meter.now() == 8192);
    a.push(2);              // unreserved: +4096
    c.push(10);             // +10240 -> 22528
    CHECK(meter.now() == 22528);
    a.pop(6);               // -12288
    c.drain(4);             // sent on: -4096
    CHECK(a.resident_tiles() == 0);
    CHECK(c.resident_tiles() == 6);
    CHECK(meter.now() == 6144);
    c.release();            // nobody reads it any more
    CHECK(meter.now() == 0);
    c.push(3);              // passes through a released buffer
    CHECK(meter.now() == 0);
  });
  sc_core::sc_start();
  CHECK(meter.peak() == 22528 + 0.0);
  CHECK(c.pushed() == 13);  // the levels engines wait for are untouched by the accounting
}
