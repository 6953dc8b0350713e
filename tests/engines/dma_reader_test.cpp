// DmaReader on its own, in a FakeChip: DRAM latency L = 100 cycles, 24 bytes per cycle, NoC hop H = 7
// cycles. A read of N bytes issued at t lands (its tiles pushed) at t + L + ceil(N/24) + H: DRAM produces
// it packet by packet and the NoC carries each packet once produced. Reads on one channel serialise on
// the channel, the outstanding limit delays issue, waits and room gate it.
#include <catch2/catch.hpp>

#include "packet_manager/dma_reader.h"
#include "tests/engines/fake_chip.h"

using namespace tessera;
using namespace tessera::test;

namespace {

constexpr uint64_t kHop = 7;

CoreProgram program_with(std::vector<BufferSpec> buffers, std::vector<DramReadCmd> reads) {
  CoreProgram p;
  p.buffers = std::move(buffers);
  p.reader = std::move(reads);
  return p;
}

DramReadCmd read_cmd(uint64_t bytes, uint64_t tiles, std::vector<int> cores, std::vector<int> buffers, int channel = 0) {
  DramReadCmd r;
  r.op = 0;
  r.channel = channel;
  r.bytes = bytes;
  r.tiles = tiles;
  r.dst_cores = std::move(cores);
  r.dst_buffers = std::move(buffers);
  return r;
}

const BufferSpec kProgress{"progress", -1, 0, 0};
BufferSpec in(const std::string& name, uint64_t capacity = 0) { return {name, 0, capacity, 2048}; }

}  // namespace

TEST_CASE("one DRAM read lands at latency + ceil(N / bandwidth) + the NoC hop", "[engines][dma_reader]") {
  const CoreProgram p = program_with({kProgress, in("a")}, {read_cmd(1000, 1, {0}, {1})});
  FakeChip chip(engine_test_config(), {p.buffers}, kHop);
  DmaReader reader("reader", 0, p, chip, 8192);
  sc_core::sc_start();
  CHECK(reader.reads_done() == 1);
  CHECK(chip.cycle_reached(0, 1, 1) == 100 + 42 + kHop);
  REQUIRE(chip.activities.size() == 1);
  CHECK(chip.activities[0].start == 0);
  CHECK(chip.activities[0].end == 100 + 42 + kHop);
}

TEST_CASE("a read larger than a packet pipelines: the last packet lands at L + ceil(N / B) + H", "[engines][dma_reader]") {
  // Two packets of 480 bytes: DRAM produces them at 120 and 140; each crosses the NoC in 7.
  const CoreProgram p = program_with({kProgress, in("a")}, {read_cmd(960, 2, {0}, {1})});
  FakeChip chip(engine_test_config(), {p.buffers}, kHop);
  DmaReader reader("reader", 0, p, chip, 480);
  sc_core::sc_start();
  CHECK(chip.sent.size() == 2);
  CHECK(chip.sent[0].cycle == 120);
  CHECK(chip.sent[1].cycle == 140);
  CHECK(chip.cycle_reached(0, 1, 2) == 100 + 40 + kHop);
}

TEST_CASE("two reads on one channel serialise on the channel, not on the latency", "[engines][dma_reader]") {
  const CoreProgram p = program_with({kProgress, in("a"), in("b")},
                                     {read_cmd(1000, 1, {0}, {1}), read_cmd(1000, 1, {0}, {2})});
  FakeChip chip(engine_test_config(), {p.buffers}, kHop);
  DmaReader reader("reader", 0, p, chip, 8192);
  sc_core::sc_start();
  CHECK(chip.cycle_reached(0, 1, 1) == 100 + 42 + kHop);
  CHECK(chip.cycle_reached(0, 2, 1) == 100 + 42 + 42 + kHop);
}

TEST_CASE("two reads on two channels overlap", "[engines][dma_reader]") {
  const CoreProgram p = program_with({kProgress, in("a"), in("b")},
                                     {read_cmd(1000, 1, {0}, {1}, 0), read_cmd(1000, 1, {0}, {2}, 1)});
  FakeChip chip(engine_test_config(), {p.buffers}, kHop);
  DmaReader reader("reader", 0, p, chip, 8192);
  sc_core::sc_start();
  CHECK(chip.cycle_reached(0, 1, 1) == 100 + 42 + kHop);
  CHECK(chip.cycle_reached(0, 2, 1) == 100 + 42 + kHop);
}

TEST_CASE("the outstanding limit holds: with one read in flight the second issues when the first lands",
          "[engines][dma_reader]") {
  const CoreProgram p = program_with({kProgress, in("a"), in("b")},
                                     {read_cmd(1000, 1, {0}, {1}), read_cmd(1000, 1, {0}, {2})});
  FakeChip chip(engine_test_config(), {p.buffers}, kHop);
  DmaReader reader("reader", 0, p, chip, 8192, /*max_outstanding=*/1);
  sc_core::sc_start();
  const uint64_t first = 100 + 42 + kHop;
  CHECK(chip.cycle_reached(0, 1, 1) == first);
  CHECK(chip.cycle_reached(0, 2, 1) == first + 100 + 42 + kHop);
}

TEST_CASE("a read waits for its local level before it touches DRAM", "[engines][dma_reader]") {
  DramReadCmd r = read_cmd(1000, 1, {0}, {1});
  r.waits = {{kProgressBuffer, 1}};
  const CoreProgram p = program_with({kProgress, in("a")}, {r});
  FakeChip chip(engine_test_config(), {p.buffers}, kHop);
  DmaReader reader("reader", 0, p, chip, 8192);
  Script op_done("op_done", [&] {
    wait_cycles(50);
    chip.buffer(0, kProgressBuffer).push(1);
  });
  sc_core::sc_start();
  CHECK(chip.cycle_reached(0, 1, 1) == 50 + 100 + 42 + kHop);
}

TEST_CASE("a streamed read waits for room in its bounded buffer", "[engines][dma_reader]") {
  DramReadCmd r = read_cmd(1000, 2, {0}, {1});
  r.reserve = true;
  r.waits = {{1, 2}};  // after the consumer filled it (so that the order of processes at cycle 0 is moot)
  const CoreProgram p = program_with({kProgress, in("stream", 2)}, {r});
  FakeChip chip(engine_test_config(), {p.buffers}, kHop);
  DmaReader reader("reader", 0, p, chip, 8192);
  Script consumer("consumer", [&] {
    wait_cycles(5);
    chip.buffer(0, 1).push(2);  // full
    wait_cycles(25);
    chip.buffer(0, 1).pop(2);
  });
  sc_core::sc_start();
  CHECK(chip.cycle_reached(0, 1, 4) == 30 + 100 + 42 + kHop);
}

TEST_CASE("a multicast read is read from DRAM once and lands on every destination together", "[engines][dma_reader]") {
  const CoreProgram p = program_with({kProgress, in("a")}, {read_cmd(1000, 1, {0, 1}, {1, 1})});
  FakeChip chip(engine_test_config(), {p.buffers, p.buffers}, kHop);
  DmaReader reader("reader", 0, p, chip, 8192);
  sc_core::sc_start();
  CHECK(chip.dram.bytes_read(0) == 1000);
  CHECK(chip.sent.size() == 1);
  CHECK(chip.cycle_reached(0, 1, 1) == 100 + 42 + kHop);
  CHECK(chip.cycle_reached(1, 1, 1) == 100 + 42 + kHop);
}

TEST_CASE("a multicast read waits for every destination's own gate, not only its issuer's", "[engines][dma_reader]") {
  // Core 0 issues a read into core 0 and core 1. Core 0's gate opens at once; core 1 finishes its own op
  // (its progress level 1) at cycle 80, so the read leaves DRAM then: 80 + L + ceil(1000/24) + H.
  DramReadCmd r = read_cmd(1000, 1, {0, 1}, {1, 1});
  r.dst_waits = {{1, {kProgressBuffer, 1}}};
  const CoreProgram p = program_with({kProgress, in("a")}, {r});
  FakeChip chip(engine_test_config(), {p.buffers, p.buffers}, kHop);
  DmaReader reader("reader", 0, p, chip, 8192);
  Script other_core("other_core", [&] {
    wait_cycles(80);
    chip.buffer(1, kProgressBuffer).push(1);
  });
  sc_core::sc_start();
  CHECK(chip.cycle_reached(0, 1, 1) == 80 + 100 + 42 + kHop);
  CHECK(chip.cycle_reached(1, 1, 1) == 80 + 100 + 42 + kHop);
}

// Paged reads (op by op): pages smaller than a response packet travel a packet's worth per message.
TEST_CASE("pages per message: a response packet's worth, in whole barrier groups, at least two groups",
          "[engines][dma_reader][paged]") {
  CHECK(pages_per_message(14, 2048, 1) == 146);  // 2048 / 14 = 146.3
  CHECK(pages_per_message(2048, 2048, 1) == 1);  // a tile page: one message per page, as before
  CHECK(pages_per_message(4096, 2048, 0) == 1);
  CHECK(pages_per_message(64, 2048, 0) == 32);
  CHECK(pages_per_message(100, 2048, 3) == 18);  // 20 pages fit: 6 groups of 3
  CHECK(pages_per_message(1024, 2048, 4) == 1);  // 2 pages fit, less than two groups of 4
  CHECK(pages_per_message(64, 0, 1) == 1);       // no coalescing configured
}

// 10 pages of 16 bytes, 10 issue cycles each, no barrier, 64-byte messages: 4 + 4 + 2 pages. Message m
// leaves the RISC-V after its pages' issue time (40, 80, 100: 10 x 10 in all, as page by page) and books
// its pages' bytes on the two channels they interleave over: 32 bytes each = 2 cycles after L = 100
// (ready 142; then 182, the channels busy until 142 and 182 from 180; then 16 bytes: 201). Lands +7.
TEST_CASE("coalesced pages without barriers: N x issue cycles, the bytes booked on the pages' channels",
          "[engines][dma_reader][paged]") {
  DramReadCmd r = read_cmd(160, 1, {0}, {1});
  r.page_bytes = 16;
  const CoreProgram p = program_with({kProgress, in("a")}, {r});
  FakeChip chip(engine_test_config(), {p.buffers}, kHop);
  DmaReader reader("reader", 0, p, chip, 8192, 4, PagedReads{10, 64, 2, 0, 64});
  sc_core::sc_start();
  REQUIRE(chip.sent.size() == 3);
  CHECK(chip.sent[0].cycle == 142);
  CHECK(chip.sent[1].cycle == 182);
  CHECK(chip.sent[2].cycle == 201);
  CHECK(chip.sent[0].bytes == 64);
  CHECK(chip.sent[2].bytes == 32);
  CHECK(chip.dram.bytes_read(0) + chip.dram.bytes_read(1) == 160);
  CHECK(chip.cycle_reached(0, 1, 1) == 201 + kHop);
}

// 6 pages of 16 bytes read one page per barrier (issue 10, round trip 10 + 101 + 7 = 118 page by page: the
// last lands at 6 x 118 = 708), 64-byte messages of 4 pages. Coalesced: page 0 goes alone (lands 118,
// round trip 108 after its issue); pages 1-3 cost 3 x 10 issue + 2 x 108 round trips (to 364), then go as
// one message (32 bytes on channel 1: 364 + 100 + 2, lands 473). Page 4 alone (issued 483, lands 591),
// page 5 after its issue (601 + 101 + 7 = 709): one cycle off the page-by-page 708, because pages 1-3
// put 32 bytes on one channel (2 DRAM cycles) where a page alone takes 1.
TEST_CASE("coalesced pages with a barrier per page keep the page-by-page time: issue and round trip each",
          "[engines][dma_reader][paged]") {
  DramReadCmd r = read_cmd(96, 1, {0}, {1});
  r.page_bytes = 16;
  r.pages_per_barrier = 1;
  const CoreProgram p = program_with({kProgress, in("a")}, {r});
  FakeChip chip(engine_test_config(), {p.buffers}, kHop);
  DmaReader reader("reader", 0, p, chip, 8192, 4, PagedReads{10, 64, 2, 0, 64});
  sc_core::sc_start();
  REQUIRE(chip.sent.size() == 4);
  CHECK(chip.sent[0].cycle == 111);
  CHECK(chip.sent[1].cycle == 466);
  CHECK(chip.sent[2].cycle == 584);
  CHECK(chip.sent[3].cycle == 702);
  CHECK(chip.cycle_reached(0, 1, 1) == 709);
}

TEST_CASE("tile pages are not coalesced: one message per page", "[engines][dma_reader][paged]") {
  DramReadCmd r = read_cmd(4 * 2048, 4, {0}, {1});
  r.page_bytes = 2048;
  r.pages_per_barrier = 1;
  const CoreProgram p = program_with({kProgress, in("a")}, {r});
  FakeChip chip(engine_test_config(), {p.buffers}, kHop);
  DmaReader reader("reader", 0, p, chip, 8192, 4, PagedReads{10, 64, 2, 0, 2048});
  sc_core::sc_start();
  CHECK(chip.sent.size() == 4);
}
