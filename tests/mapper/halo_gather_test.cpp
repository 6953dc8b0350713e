// A halo's work is what tt-metal's halo gather kernel does (sliding_window/halo, halo_gather.cpp): one NoC
// write per run of input sticks, one NoC read per padding stick, the sticks' row-major bytes moved once,
// on the cores of its output's shard grid. docs/mapping.md, "Programs ttnn runs between convs".
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "packet_manager/reshaper.h"
#include "sim/config/config_loader.h"
#include "sim/mapper/mapper.h"
#include "sim/ops/halo_gather.h"
#include "sim/workload/trace_reader.h"

using namespace tessera;

TEST_CASE("halo gather calls: a 4x5 image padded by 1 is 4 runs and 22 padding sticks", "[mapper][halo]") {
  // Padded 6 x 7 = 42 sticks: the top and bottom rows (7 each) and 1 + 1 on each of the 4 image rows pad.
  const HaloImage im{6, 7, 1, 1, 4, 5};
  const HaloGatherCalls all = halo_gather_calls(im, 0, 42);
  CHECK(all.sticks == 42);
  CHECK(all.transfers == 4);
  CHECK(all.pad_sticks == 22);
  // Sticks 5..15: 5, 6 of the top row; row 1 (7..13) pads 7 and 13 around one run; row 2 pads 14, starts a
  // run at 15.
  const HaloGatherCalls part = halo_gather_calls(im, 5, 16);
  CHECK(part.sticks == 11);
  CHECK(part.transfers == 2);
  CHECK(part.pad_sticks == 5);
}

TEST_CASE("halo gather calls: without padding consecutive rows are one run", "[mapper][halo]") {
  // A 1x1 stride-2 conv's halo (the OFT profile's) copies its input: rows follow each other in the input too.
  const HaloImage im{4, 8, 0, 0, 4, 8};
  const HaloGatherCalls c = halo_gather_calls(im, 3, 29);
  CHECK(c.sticks == 26);
  CHECK(c.transfers == 1);
  CHECK(c.pad_sticks == 0);
}

namespace {

// A profiled 3x3 halo of a [1, 64, 8, 30] row-major image height-sharded over cores (0..3, 0), 60 pixels
// each, into the [1, 64, 10, 32] padded image on the same grid.
Plan profiled_halo() {
  const nlohmann::json memory = {{"buffer", "l1"}, {"layout", "height_sharded"}, {"shard_grid", {{0, 0, 3, 0}}},
                                 {"shard_shape", {60, 64}}, {"orientation", "row_major"}};
  const nlohmann::json tensors = {
      {{"name", "x"}, {"shape", {1, 64, 8, 30}}, {"layout", "row_major"}, {"memory", memory}, {"kind", "input"}},
      {{"name", "h"}, {"shape", {1, 64, 10, 32}}, {"layout", "row_major"}, {"memory", memory}}};
  const nlohmann::json ops = {{{"name", "halo"}, {"type", "halo"}, {"inputs", {"x"}}, {"outputs", {"h"}}, {"cores", 4},
                               {"attrs", {{"kernel", {3, 3}}, {"stride", {1, 1}}, {"dilation", {1, 1}},
                                          {"padding", {1, 1, 1, 1}}}}}};
  const nlohmann::json t = {{"format", "tessera-trace"}, {"version", 2}, {"name", "halo"}, {"tensors", tensors},
                            {"ops", ops}};
  const ArchConfig config = load_arch_config(TESSERA_SOURCE_DIR "/configs/blackhole_p150.json", {"mapper.schedule=op_by_op"});
  return map_graph(config, parse_trace(t, "halo.json"));
}

}  // namespace

TEST_CASE("a profiled halo writes its overlapping shard on its output's shard grid with the gather's calls",
          "[mapper][halo]") {
  const Plan plan = profiled_halo();
  const ArchConfig config = load_arch_config(TESSERA_SOURCE_DIR "/configs/blackhole_p150.json", {});
  // 320 padded sticks over 4 cores: 80 each, plus the window's reach past the end (2 rows of 32 and 2
  // pixels, 66), clipped at the image's end: 146, 146, 146, 80 sticks of 64 bf16 channels (128 bytes).
  const uint64_t sticks[4] = {146, 146, 146, 80};
  // Core 0, sticks 0..145: the top padding row (32), rows 1-3 (2 padding sticks and a run each), row 4's
  // first 18 (1 padding, a run): 4 runs, 39 padding sticks, 43 calls, 22 on the busier RISC-V.
  // Core 3, sticks 240..319: row 7 (8..31 of it: 1 padding, a run), row 8, the bottom row (32): 2 runs, 35.
  const uint64_t calls[4] = {4 + 39, 0, 0, 2 + 35};  // cores 1 and 2 not checked
  REQUIRE(plan.cores.size() > 3);
  for (int core = 0; core < 4; ++core) {
    uint64_t bytes = 0, reads = 0, unpacked = 0, packed = 0;
    for (const ComputeCmd& cmd : plan.cores[size_t(core)].compute) {
      CHECK(cmd.reshape.noc_writes);
      bytes += cmd.reshape.bytes;
      reads += cmd.reshape.reads;
      packed += cmd.pack_bytes;
      for (const UnpackRead& u : cmd.unpack) unpacked += u.bytes;
    }
    CHECK(bytes == sticks[core] * 128);
    // A row-major input goes to the gather kernels alone: no unpacker, no packer.
    CHECK(unpacked == 0);
    CHECK(packed == 0);
    if (core == 0 || core == 3) CHECK(reads == (calls[core] + 1) / 2);
  }
  // Core 0's gather: 18,688 bytes at the outbound DMA's 64 B/cycle (292 cycles) against 22 calls of 13.
  ReshapeWork w;
  w.bytes = 146 * 128;
  w.reads = 22;
  w.noc_writes = true;
  CHECK(reshape_engine_cycles(config.packet_manager, w) == 292);
}
