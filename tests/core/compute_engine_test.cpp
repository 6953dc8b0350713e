// The compute pipeline and the reshape engine on their own, with cycle counts derived by hand from the
// config: each engine prices the work a command describes, and the stages overlap as documented in
// docs/architecture.md ("The compute pipeline").
#include <catch2/catch.hpp>

#include <cmath>
#include <memory>
#include <vector>

#include <systemc>

#include "core/compute_pipeline.h"
#include "packet_manager/inbound_port.h"
#include "packet_manager/reshape_engine.h"

using namespace tessera;

namespace {

// A chip around one core: buffers, a clock at 1 GHz, and the busy spans the engines record.
class OneCoreChip : public ChipServices {
 public:
  explicit OneCoreChip(int buffers) {
    for (int i = 0; i < buffers; ++i) buffers_.push_back(std::make_unique<TileBuffer>("b" + std::to_string(i), 0, changed_));
  }
  TileBuffer& buffer(int, int index) override { return *buffers_[size_t(index)]; }
  void send(int, const std::vector<int>&, uint64_t, std::function<void()> done) override { done(); }
  int core_node(int) const override { return 0; }
  int dram_node(int) const override { return 0; }
  uint64_t dram_read(int, uint64_t, int) override { return now_cycle(); }
  uint64_t dram_write(int, uint64_t, int) override { return now_cycle(); }
  uint64_t now_cycle() const override { return uint64_t(std::llround(sc_core::sc_time_stamp() / cycles(1))); }
  sc_core::sc_time cycles(uint64_t n) const override { return sc_core::sc_time(double(n), sc_core::SC_NS); }
  void record(const Activity& a) override { activities.push_back(a); }

  std::vector<Activity> activities;
  const Activity* find(Engine e) const {
    for (const Activity& a : activities)
      if (a.engine == e) return &a;
    return nullptr;
  }

 private:
  sc_core::sc_event changed_;
  std::vector<std::unique_ptr<TileBuffer>> buffers_;
};

// Pushes `tiles` into a buffer at a given cycle.
struct Feeder : sc_core::sc_module {
  SC_HAS_PROCESS(Feeder);
  Feeder(sc_core::sc_module_name n, TileBuffer& b, uint64_t at, uint64_t tiles) : sc_module(n), b_(b), at_(at), tiles_(tiles) {
    SC_THREAD(run);
  }
  void run() {
    wait(sc_core::sc_time(double(at_), sc_core::SC_NS));
    b_.push(tiles_);
  }
  TileBuffer& b_;
  uint64_t at_, tiles_;
};

// A 2x2-tile output over 4 reduction tiles at HiFi2, bf16: A and B are 8 tiles each (16384 B unpacked).
ComputeCmd matmul_block() {
  ComputeCmd cmd;
  cmd.op = 0;
  cmd.math.kind = MathKind::matmul;
  cmd.math.fidelity = Fidelity::hifi2;
  cmd.math.m_tiles = 2;
  cmd.math.n_tiles = 2;
  cmd.math.k_tiles = 4;
  cmd.unpack = {{16384, false}, {16384, false}};
  cmd.pack_bytes = 4 * 2048;
  cmd.stream_tiles = 16;
  return cmd;
}

}  // namespace

TEST_CASE("a block's stages are priced from the core config and overlap a tile step apart", "[core][engine]") {
  const CoreConfig core;  // HiFi2 32 cycles per tile product, unpack and pack 64 B/cycle
  const ComputeCosts costs(core);
  const StageCycles c = price_block(matmul_block(), costs, false);
  // 2 x 2 x 4 = 16 tile products x 32 cycles; 32 KiB unpacked at 64 B/cycle; 8 KiB packed at 64 B/cycle.
  CHECK(c.math == 512);
  CHECK(c.unpack == 512);
  CHECK(c.pack == 128);
  // Ready at 0, no gather: unpack 0..512; math starts one of 16 tile steps later (512 / 16 = 32) and runs
  // 512 cycles, so ends at 544 (after the unpack's end plus one step, 512 + 32); pack starts at 32 + 32 = 64
  // and must end one of its steps (8) after math: 552.
  const StageTimes t = schedule_block(c, 16, {0, 0}, StageTimes{});
  CHECK(t.unpack_end == 512);
  CHECK(t.math_start == 32);
  CHECK(t.math_end == 544);
  CHECK(t.pack_end == 552);
  // A second identical block right behind: each stage waits for its own previous end.
  const StageTimes u = schedule_block(c, 16, {0, 0}, t);
  CHECK(u.unpack_start == 512);
  CHECK(u.math_start == 544);
  CHECK(u.math_end == 1056);
  CHECK(u.pack_end == 1064);
}

TEST_CASE("the SRAM ports bound the unpackers and packers", "[core][engine][knob]") {
  CoreConfig core;
  core.sram_read_bytes_per_cycle = 16;
  core.sram_write_bytes_per_cycle = 8;
  const StageCycles c = price_block(matmul_block(), ComputeCosts(core), false);
  CHECK(c.unpack == 32768 / 16);
  CHECK(c.pack == 8192 / 8);
  CHECK(c.math == 512);
}

TEST_CASE("the compute pipeline module waits for its inputs, launches the kernel and pushes its output",
          "[core][engine][systemc]") {
  OneCoreChip chip(3);  // 0: progress, 1: input, 2: output
  ReshapeEngine reshaper("reshape", 0, PacketManagerConfig{}, chip);  // 32 B/cycle
  CoreProgram program;
  ComputeCmd cmd = matmul_block();
  cmd.waits = {{1, 8}};
  cmd.launches_kernel = true;
  cmd.reshape.kind = ReshapeKind::im2col;
  cmd.reshape.bytes = 3200;  // 100 cycles at 32 B/cycle
  cmd.out_buffer = 2;
  cmd.out_tiles = 4;
  cmd.last_of_op = true;
  program.compute.push_back(cmd);
  Feeder feed("feed", chip.buffer(0, 1), 100, 8);
  ComputePipeline pipeline("compute", 0, program, chip, CoreConfig{}, &reshaper);
  sc_core::sc_start();

  // Inputs at 100, kernel launch 400: the gather runs 500..600. Unpack may start a tile step (100 / 16 = 6)
  // after the gather starts, 506, and runs 512 cycles to 1018 (the gather's end plus a step of unpack,
  // 600 + 32, is earlier). Math: 506 + 32 = 538 .. 1050. Pack: 538 + 32 = 570, ends at
  // max(570 + 128, 1050 + 8) = 1058.
  const Activity* gather = chip.find(Engine::reshape);
  REQUIRE(gather != nullptr);
  CHECK(gather->start == 500);
  CHECK(gather->end == 600);
  CHECK(chip.find(Engine::unpack)->end == 1018);
  CHECK(chip.find(Engine::math)->end == 1050);
  CHECK(chip.find(Engine::pack)->end == 1058);
  REQUIRE(chip.buffer(0, 2).reached(4));
  CHECK(chip.buffer(0, 2).time_reached(4) == sc_core::sc_time(1058, sc_core::SC_NS));
  CHECK(chip.buffer(0, 0).pushed() == 1);  // the op is counted done
  CHECK(pipeline.blocks_done() == 1);
}

TEST_CASE("the reshape engine keeps its own clock: gathers queue behind each other", "[packet_manager][engine]") {
  OneCoreChip chip(1);
  PacketManagerConfig pm;
  pm.reshape_bytes_per_cycle = 16;
  pm.decompress_bytes_per_cycle = 4;
  ReshapeEngine engine("reshape", 0, pm, chip);
  ReshapeWork plain{ReshapeKind::flatten, 1600, 0};
  const StageSpan a = engine.gather(0, plain, 10);  // 1600 / 16 = 100 cycles
  CHECK(a.start == 10);
  CHECK(a.end == 110);
  const StageSpan b = engine.gather(0, plain, 50);  // ready earlier than the engine is free
  CHECK(b.start == 110);
  CHECK(b.end == 210);
  // Compressed input decompresses on the way: 800 compressed bytes at 4 B/cycle = 200 > 100 layout cycles.
  const StageSpan c = engine.gather(0, ReshapeWork{ReshapeKind::im2col, 1600, 800}, 500);
  CHECK(c.end - c.start == 200);
  // A block with nothing to gather passes without taking the engine's time.
  const StageSpan d = engine.gather(0, ReshapeWork{}, 900);
  CHECK(d.start == 900);
  CHECK(d.end == 900);
  CHECK(engine.busy_cycles() == 400);
}

TEST_CASE("the inbound port writes packets as they arrive and delays only what outruns it", "[packet_manager][engine]") {
  // 8 KiB packets over 32 B links stream in for 256 cycles before their tail arrives.
  InboundPort one_niu(32, 32);
  CHECK(one_niu.land(1000, 8192) == 1000);  // written 744 .. 1000, as it arrived
  CHECK(one_niu.land(1000, 8192) == 1256);  // a second at once: written after the first, 1000 .. 1256
  InboundPort two_nius(64, 32);
  CHECK(two_nius.land(1000, 8192) == 1000);  // 744 .. 872
  CHECK(two_nius.land(1000, 8192) == 1000);  // 872 .. 1000: two NoCs' worth at once still lands on time
  CHECK(two_nius.land(1000, 8192) == 1128);  // a third outruns the port
  CHECK(two_nius.busy_cycles() == 3 * 128);
}
