// DramChannels on their own (no simulation): a request of N bytes issued at cycle t on a channel with
// access latency L and B bytes per cycle ends at t + L + ceil(N/B); requests on one channel queue in
// booking order; channels are independent. Config: 24 bytes/cycle, L = 100 (read), 50 (write).
#include <catch2/catch.hpp>

#include "sim/chip/dram_channels.h"
#include "tests/engines/fake_chip.h"

using namespace tessera;

TEST_CASE("one DRAM read of N bytes ends at latency + ceil(N / bandwidth)", "[engines][dram]") {
  DramChannels dram(test::engine_test_config());
  CHECK(dram.read(0, 1000, 0) == 100 + 42);     // ceil(1000 / 24) = 42
  CHECK(dram.read(1, 24, 7) == 7 + 100 + 1);
  CHECK(dram.bytes_read(0) == 1000);
  CHECK(dram.busy_cycles(0) == 42);
}

TEST_CASE("two reads booked together serialise on one channel and overlap on two", "[engines][dram]") {
  DramChannels dram(test::engine_test_config());
  CHECK(dram.read(0, 2400, 0) == 100 + 100);
  CHECK(dram.read(0, 2400, 0) == 100 + 100 + 100);  // waits for the channel, not for a second latency
  CHECK(dram.read(1, 2400, 0) == 100 + 100);
  CHECK(dram.last_cycle() == 300);
  CHECK(dram.busy_cycles(0) == 200);
}

TEST_CASE("a read issued after the channel went idle pays the full latency again", "[engines][dram]") {
  DramChannels dram(test::engine_test_config());
  CHECK(dram.read(0, 240, 0) == 110);
  CHECK(dram.read(0, 240, 500) == 500 + 100 + 10);
}

TEST_CASE("a DRAM write ends at write latency + ceil(N / bandwidth) and counts its bytes", "[engines][dram]") {
  DramChannels dram(test::engine_test_config());
  CHECK(dram.write(1, 1000, 10) == 10 + 50 + 42);
  CHECK(dram.bytes_written(1) == 1000);
  CHECK(dram.bytes_read(1) == 0);
}
