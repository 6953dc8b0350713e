#include "core/compute_pipeline.h"

#include <algorithm>

namespace tessera {

StageTimes schedule_block(const ComputeCmd& cmd, uint64_t ready, const StageTimes& prev) {
  const uint64_t tiles = std::max<uint64_t>(cmd.stream_tiles, 1);
  // With no reshape engine the gather runs on the core itself and holds up its math.
  const uint64_t reshape = cmd.reshape_on_core ? 0 : cmd.reshape_cycles;
  const uint64_t math = cmd.math_cycles + (cmd.reshape_on_core ? cmd.reshape_cycles : 0);
  StageTimes t;
  t.reshape_start = std::max(ready, prev.reshape_end);
  t.reshape_end = t.reshape_start + reshape;
  // Each later stage follows the one before it a tile behind.
  auto stage = [tiles](uint64_t up_start, uint64_t up_end, uint64_t up_len, uint64_t own_prev_end, uint64_t len,
                       uint64_t& start, uint64_t& end) {
    start = std::max(up_start + up_len / tiles, own_prev_end);
    end = std::max(start + len, up_end + (len + tiles - 1) / tiles);
  };
  stage(t.reshape_start, t.reshape_end, reshape, prev.unpack_end, cmd.unpack_cycles, t.unpack_start, t.unpack_end);
  stage(t.unpack_start, t.unpack_end, cmd.unpack_cycles, prev.math_end, math, t.math_start, t.math_end);
  stage(t.math_start, t.math_end, math, prev.pack_end, cmd.pack_cycles, t.pack_start, t.pack_end);
  return t;
}

ComputePipeline::ComputePipeline(sc_core::sc_module_name name, int core, const CoreProgram& program,
                                 ChipServices& chip)
    : sc_module(name), core_(core), program_(program), chip_(chip) {
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
    if (cmd.launch_cycles) ready = std::max(ready, clocks.pack_end) + cmd.launch_cycles;
    const StageTimes t = schedule_block(cmd, ready, clocks);
    clocks = t;
    // A stage is busy for its own cycles, at the end of its span (before that it trails the stage ahead).
    auto busy = [&](Engine e, uint64_t end, uint64_t cycles) {
      if (cycles) chip_.record({core_, e, cmd.op, end - cycles, end});
    };
    busy(Engine::reshape, t.reshape_end, cmd.reshape_on_core ? 0 : cmd.reshape_cycles);
    busy(Engine::unpack, t.unpack_end, cmd.unpack_cycles);
    busy(Engine::math, t.math_end, cmd.math_cycles + (cmd.reshape_on_core ? cmd.reshape_cycles : 0));
    busy(Engine::pack, t.pack_end, cmd.pack_cycles);
    const uint64_t now = chip_.now_cycle();
    if (t.pack_end > now) wait(chip_.cycles(t.pack_end - now));
    for (const BufferLevel& p : cmd.pops) chip_.buffer(core_, p.buffer).pop(p.tiles);
    if (cmd.out_buffer >= 0 && cmd.out_tiles) chip_.buffer(core_, cmd.out_buffer).push(cmd.out_tiles);
    if (cmd.last_of_op) chip_.buffer(core_, kProgressBuffer).push(1);
    ++done_;
  }
}

}  // namespace tessera
