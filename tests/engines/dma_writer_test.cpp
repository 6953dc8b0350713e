// DmaWriter on its own, in a FakeChip: NoC hop H = 7 cycles, SRAM read (DMA) 32 bytes per cycle (the SRAM
// port gives 256), compressor 8 bytes per cycle, DRAM write latency 50 and 24 bytes per cycle. A send starts once its source level is reached; the engine is
// then busy ceil(N / 32) cycles (or the compressor's ceil(raw / rate), whichever is longer) before the
// next send starts. A write to DRAM tells the reading cores when its last byte is in DRAM.
#include <catch2/catch.hpp>

#include "packet_manager/dma_writer.h"
#include "tests/engines/fake_chip.h"

using namespace tessera;
using namespace tessera::test;

namespace {

constexpr uint64_t kHop = 7;

SendCmd send_cmd(uint64_t level, uint64_t bytes, uint64_t tiles) {
  SendCmd s;
  s.op = 0;
  s.source = {1, level};
  s.bytes = bytes;
  s.raw_bytes = bytes;
  s.tiles = tiles;
  s.dst_cores = {1};
  s.dst_buffers = {1};
  return s;
}

const std::vector<BufferSpec> kBuffers = {{"progress", -1, 0, 0}, {"data", 0, 0, 2048}};

PacketManagerConfig pm_config() {
  PacketManagerConfig c;
  c.dma_read_bytes_per_cycle = 32;
  c.compress_bytes_per_cycle = 8;
  return c;
}

// Core 0 produces 4 tiles at cycle 20.
void produce_at_20(FakeChip& chip) {
  wait_cycles(20);
  chip.buffer(0, 1).push(4);
}

// The toy chip's NoC links (configs/toy_4x4.json extends wormhole_n150: 32 B/cycle).
constexpr uint64_t kLinkBytes = 32;

}  // namespace

TEST_CASE("a send starts when its source level is reached and the engine stays busy ceil(N / rate)",
          "[engines][dma_writer]") {
  CoreProgram p;
  p.buffers = kBuffers;
  p.writer = {send_cmd(4, 3200, 4)};
  FakeChip chip(engine_test_config(), {kBuffers, kBuffers}, kHop);
  DmaWriter writer("writer", 0, p, chip, pm_config(), /*sram_read_bytes_per_cycle=*/256, 8192, kLinkBytes);
  Script producer("producer", [&] { produce_at_20(chip); });
  sc_core::sc_start();
  REQUIRE(chip.sent.size() == 1);
  CHECK(chip.sent[0].cycle == 20);
  REQUIRE(chip.activities.size() == 1);
  CHECK(chip.activities[0].start == 20);
  CHECK(chip.activities[0].end == 20 + 100);
  CHECK(writer.sends_done() == 1);
}

TEST_CASE("sends serialise on the writer: the second starts when the first's SRAM read is done",
          "[engines][dma_writer]") {
  CoreProgram p;
  p.buffers = kBuffers;
  p.writer = {send_cmd(4, 3200, 4), send_cmd(4, 3200, 4)};
  FakeChip chip(engine_test_config(), {kBuffers, kBuffers}, kHop);
  DmaWriter writer("writer", 0, p, chip, pm_config(), /*sram_read_bytes_per_cycle=*/256, 8192, kLinkBytes);
  Script producer("producer", [&] { produce_at_20(chip); });
  sc_core::sc_start();
  REQUIRE(chip.sent.size() == 2);
  CHECK(chip.sent[1].cycle == 20 + 100);
  CHECK(chip.cycle_reached(1, 1, 8) == 20 + 100 + kHop);
}

TEST_CASE("a compressed send keeps the writer busy for the compressor when it is the slower", "[engines][dma_writer]") {
  CoreProgram p;
  p.buffers = kBuffers;
  SendCmd first = send_cmd(4, 1600, 4);
  first.compressed = true;
  first.raw_bytes = 3200;   // 3200 / 8 = 400 cycles against 1600 / 32 = 50
  p.writer = {first, send_cmd(4, 3200, 4)};
  FakeChip chip(engine_test_config(), {kBuffers, kBuffers}, kHop);
  DmaWriter writer("writer", 0, p, chip, pm_config(), /*sram_read_bytes_per_cycle=*/256, 8192, kLinkBytes);
  Script producer("producer", [&] { produce_at_20(chip); });
  sc_core::sc_start();
  REQUIRE(chip.sent.size() == 2);
  CHECK(chip.sent[1].cycle == 20 + 400);
}

TEST_CASE("a write to DRAM tells the reader when its last byte is written: H + write latency + ceil(N / B)",
          "[engines][dma_writer]") {
  CoreProgram p;
  p.buffers = kBuffers;
  SendCmd s = send_cmd(4, 1000, 1);
  s.to_dram = true;
  s.channel = 1;
  p.writer = {s};
  FakeChip chip(engine_test_config(), {kBuffers, kBuffers}, kHop);
  DmaWriter writer("writer", 0, p, chip, pm_config(), /*sram_read_bytes_per_cycle=*/256, 8192, kLinkBytes);
  Script producer("producer", [&] { produce_at_20(chip); });
  sc_core::sc_start();
  CHECK(chip.dram.bytes_written(1) == 1000);
  CHECK(chip.cycle_reached(1, 1, 1) == 20 + kHop + 50 + 42);
}

// The payload streams out as the engine reads it: when the read is slower than a link, the send enters the
// NoC late enough for its tail to follow the engine's last byte. 3200 B read at 8 B/cycle take 400 cycles
// and cross a 32 B link in 100, so the send is injected 300 cycles after the source level (at 320) and its
// tail, 100 link cycles later on a real NoC, leaves with the read's last byte at 420.
TEST_CASE("a send slower to read than to carry enters the NoC ceil(N / read) - ceil(N / link) late",
          "[engines][dma_writer]") {
  CoreProgram p;
  p.buffers = kBuffers;
  p.writer = {send_cmd(4, 3200, 4)};
  FakeChip chip(engine_test_config(), {kBuffers, kBuffers}, kHop);
  DmaWriter writer("writer", 0, p, chip, pm_config(), /*sram_read_bytes_per_cycle=*/8, 8192, kLinkBytes);
  Script producer("producer", [&] { produce_at_20(chip); });
  sc_core::sc_start();
  REQUIRE(chip.sent.size() == 1);
  CHECK(chip.sent[0].cycle == 20 + 400 - 100);
  CHECK(chip.activities[0].end == 20 + 400);
}

// Op by op, a DRAM write page by page: 10 pages of 16 bytes, 10 issue cycles each, 64-byte messages of 4,
// 4 and 2 pages. They leave at 20 + 40, + 80 and + 100 (each page's issue, 10 x 10 in all) from channel 1
// on; each lands 7 later and writes its pages' bytes on the two channels (32 bytes: 50 + 2; the last
// message's 16 bytes each: 50 + 1, after the channels' earlier writes end at 159): the readers learn at 178.
TEST_CASE("a paged DRAM write coalesces small pages and charges each page its issue time", "[engines][dma_writer]") {
  CoreProgram p;
  p.buffers = kBuffers;
  SendCmd s = send_cmd(4, 160, 1);
  s.to_dram = true;
  s.channel = 1;
  s.page_bytes = 16;
  p.writer = {s};
  PacketManagerConfig config = pm_config();
  config.engine.riscv_issue_cycles = 10;
  config.engine.response_packet_bytes = 64;
  FakeChip chip(engine_test_config(), {kBuffers, kBuffers}, kHop);
  DmaWriter writer("writer", 0, p, chip, config, /*sram_read_bytes_per_cycle=*/256, 8192, kLinkBytes, 2);
  Script producer("producer", [&] { produce_at_20(chip); });
  sc_core::sc_start();
  REQUIRE(chip.sent.size() == 3);
  CHECK(chip.sent[0].cycle == 60);
  CHECK(chip.sent[1].cycle == 100);
  CHECK(chip.sent[2].cycle == 120);
  CHECK(chip.dram.bytes_written(0) + chip.dram.bytes_written(1) == 160);
  CHECK(chip.cycle_reached(1, 1, 1) == 178);
  REQUIRE(chip.activities.size() == 1);
  CHECK(chip.activities[0].end == 120);
}

// A kernel that waits for each page's write to be acknowledged (tt-metal's untilize_with_unpadding
// writer: noc_async_write_barrier after every stick). 3 pages of 64 bytes, one message each (a 64-byte
// response packet holds one), 10 issue cycles a page: each page costs its issue (10), the hop out (7),
// the channel's write latency and its bytes (50 + ceil(64 / 24) = 53) and the acknowledgement's hop
// back (7), 77 cycles, one page after the other from cycle 20. The pages leave at 30, 107 and 184; the
// last is in DRAM at 184 + 7 + 53 = 244 (the readers learn then) and acknowledged at 251.
TEST_CASE("a paged DRAM write with a barrier per page pays a write round trip per page", "[engines][dma_writer]") {
  CoreProgram p;
  p.buffers = kBuffers;
  SendCmd s = send_cmd(4, 192, 1);
  s.to_dram = true;
  s.channel = 1;
  s.page_bytes = 64;
  s.pages_per_barrier = 1;
  p.writer = {s};
  PacketManagerConfig config = pm_config();
  config.engine.riscv_issue_cycles = 10;
  config.engine.response_packet_bytes = 64;
  FakeChip chip(engine_test_config(), {kBuffers, kBuffers}, kHop);
  DmaWriter writer("writer", 0, p, chip, config, /*sram_read_bytes_per_cycle=*/256, 8192, kLinkBytes, 2);
  Script producer("producer", [&] { produce_at_20(chip); });
  sc_core::sc_start();
  std::vector<uint64_t> data_sent;
  for (const FakeChip::Sent& m : chip.sent)
    if (m.src == 0) data_sent.push_back(m.cycle);
  CHECK(data_sent == std::vector<uint64_t>{30, 107, 184});
  CHECK(chip.sent.size() == 6);  // three pages out, three acknowledgements back
  CHECK(chip.dram.bytes_written(0) + chip.dram.bytes_written(1) == 192);
  CHECK(chip.cycle_reached(1, 1, 1) == 244);
  REQUIRE(chip.activities.size() == 1);
  CHECK(chip.activities[0].end == 20 + 3 * (10 + 7 + 53 + 7));
}

// Pages smaller than a packet still pay their round trip each when coalesced into messages: 8 pages of
// 16 bytes, a barrier per page, 4 to a 64-byte message. Page by page each would take 10 + 7 + (50 + 1)
// + 7 = 75 cycles, 600 for the 8 from cycle 20; the coalesced model charges the measured round trip of
// each message's first page to the others and rounds each message's last write up by a cycle at most.
TEST_CASE("a coalesced paged write with a barrier per page costs what page by page would", "[engines][dma_writer]") {
  CoreProgram p;
  p.buffers = kBuffers;
  SendCmd s = send_cmd(4, 128, 1);
  s.to_dram = true;
  s.channel = 1;
  s.page_bytes = 16;
  s.pages_per_barrier = 1;
  p.writer = {s};
  PacketManagerConfig config = pm_config();
  config.engine.riscv_issue_cycles = 10;
  config.engine.response_packet_bytes = 64;
  FakeChip chip(engine_test_config(), {kBuffers, kBuffers}, kHop);
  DmaWriter writer("writer", 0, p, chip, config, /*sram_read_bytes_per_cycle=*/256, 8192, kLinkBytes, 2);
  Script producer("producer", [&] { produce_at_20(chip); });
  sc_core::sc_start();
  CHECK(chip.dram.bytes_written(0) + chip.dram.bytes_written(1) == 128);
  REQUIRE(chip.activities.size() == 1);
  const uint64_t page_by_page = 20 + 8 * (10 + 7 + 51 + 7);
  CHECK(chip.activities[0].end >= page_by_page);
  CHECK(chip.activities[0].end <= page_by_page + 2);
}
