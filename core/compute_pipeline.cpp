#include "core/compute_pipeline.h"

#include <algorithm>

namespace tessera {

StageCycles price_block(const ComputeCmd& cmd, const ComputeCosts& costs, bool core_gathers) {
  StageCycles c;
  c.unpack = costs.unpack_cycles(cmd.unpack);
  c.math = costs.math_cycles(cmd.math) + (core_gathers ? costs.reshape_cycles(cmd.reshape) : 0);
  // The math thread holds Dst between the unpacker's hand-over and the packer's, so the kernel's tile
  // handshakes and pass set-ups sit on its time.
  c.math += costs.kernel_step_cycles(costs.kernel_steps(cmd.math, cmd.reshape, cmd.stream_tiles, cmd.launches_kernel));
  c.pack = costs.pack_cycles(cmd.pack_bytes);
  return c;
}

StageTimes schedule_block(const StageCycles& c, uint64_t stream_tiles, StageSpan reshape, const StageTimes& prev,
                          bool whole_gather) {
  const uint64_t tiles = std::max<uint64_t>(stream_tiles, 1);
  StageTimes t;
  t.reshape_start = reshape.start;
  t.reshape_end = reshape.end;
  const uint64_t reshape_len = reshape.end - reshape.start;
  // Each later stage follows the one before it a tile behind.
  auto stage = [tiles](uint64_t up_start, uint64_t up_end, uint64_t up_len, uint64_t own_prev_end, uint64_t len,
                       uint64_t& start, uint64_t& end) {
    start = std::max(up_start + up_len / tiles, own_prev_end);
    end = std::max(start + len, up_end + (len + tiles - 1) / tiles);
  };
  if (whole_gather) stage(t.reshape_end, t.reshape_end, 0, prev.unpack_end, c.unpack, t.unpack_start, t.unpack_end);
  else stage(t.reshape_start, t.reshape_end, reshape_len, prev.unpack_end, c.unpack, t.unpack_start, t.unpack_end);
  stage(t.unpack_start, t.unpack_end, c.unpack, prev.math_end, c.math, t.math_start, t.math_end);
  stage(t.math_start, t.math_end, c.math, prev.pack_end, c.pack, t.pack_start, t.pack_end);
  return t;
}

ComputePipeline::ComputePipeline(sc_core::sc_module_name name, int core, const CoreProgram& program,
                                 ChipServices& chip, const CoreConfig& config, GatherPort* gathers)
    : sc_module(name), core_(core), program_(program), chip_(chip), costs_(config), gathers_(gathers) {
  SC_THREAD(run);
}

void ComputePipeline::run() {
  StageTimes clocks;
  for (const ComputeCmd& cmd : program_.compute) {
    uint64_t ready = 0;
    for (const BufferLevel& w : cmd.waits) {
      TileBuffer& b = chip_.buffer(core_, w.buffer);
      while (!b.reached(w.tiles)) wait(b.changed());
      ready = std::max(ready, static_cast<uint64_t>(b.time_reached(w.tiles) / chip_.cycles(1)));
    }
    // A bounded output buffer (streamed out by the writer) must have room for the block before it starts.
    if (cmd.out_buffer >= 0 && cmd.out_tiles) {
      TileBuffer& out = chip_.buffer(core_, cmd.out_buffer);
      if (!out.has_room(cmd.out_tiles)) {
        while (!out.has_room(cmd.out_tiles)) wait(out.changed());
        ready = std::max(ready, chip_.now_cycle());
      }
      if (out.capacity()) out.reserve(cmd.out_tiles);
    }
    // The control cores start an op's kernel on this core once its previous kernel is done.
    if (cmd.launches_kernel) ready = std::max(ready, clocks.pack_end) + costs_.kernel_launch_cycles();
    const StageCycles cycles = price_block(cmd, costs_, gathers_ == nullptr);
    // Every block passes the reshape stage in order, so a block never overtakes an earlier gather.
    // A gather into a one-block buffer starts once the block before it has been multiplied.
    const uint64_t gather_ready = cmd.reshape.single_buffered ? std::max(ready, clocks.math_end) : ready;
    const StageSpan reshape = gathers_ ? gathers_->gather(cmd.op, cmd.reshape, gather_ready)
                                       : StageSpan{std::max(ready, clocks.reshape_end), std::max(ready, clocks.reshape_end)};
    const StageTimes t = schedule_block(cycles, cmd.stream_tiles, reshape, clocks, cmd.reshape.whole_block);
    clocks = t;
    // A stage is busy for its own cycles, at the end of its span (before that it trails the stage ahead).
    auto busy = [&](Engine e, uint64_t end, uint64_t n) {
      if (n) chip_.record({core_, e, cmd.op, end - n, end});
    };
    busy(Engine::unpack, t.unpack_end, cycles.unpack);
    busy(Engine::math, t.math_end, cycles.math);
    busy(Engine::pack, t.pack_end, cycles.pack);
    const uint64_t now = chip_.now_cycle();
    if (t.pack_end > now) wait(chip_.cycles(t.pack_end - now));
    for (const BufferLevel& p : cmd.pops) chip_.buffer(core_, p.buffer).pop(p.tiles);
    if (cmd.out_buffer >= 0 && cmd.out_tiles) chip_.buffer(core_, cmd.out_buffer).push(cmd.out_tiles);
    if (cmd.last_of_op) chip_.buffer(core_, kProgressBuffer).push(1);
    ++done_;
  }
}

}  // namespace tessera
