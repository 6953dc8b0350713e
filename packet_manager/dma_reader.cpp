#include "packet_manager/dma_reader.h"

namespace tessera {

DmaReader::DmaReader(sc_core::sc_module_name name, int core, const CoreProgram& program, ChipServices& chip,
                     int max_outstanding)
    : sc_module(name), core_(core), program_(program), chip_(chip), max_outstanding_(max_outstanding) {
  SC_THREAD(issue);
  SC_THREAD(forward);
}

void DmaReader::issue() {
  for (const DramReadCmd& cmd : program_.reader) {
    while (outstanding_ >= max_outstanding_) wait(slot_freed_);
    for (const BufferLevel& w : cmd.waits) {
      TileBuffer& b = chip_.buffer(core_, w.buffer);
      while (!b.reached(w.tiles)) wait(b.changed());
    }
    if (cmd.reserve) {
      // Streamed data: wait for the consumers to free room on every destination.
      for (size_t i = 0; i < cmd.dst_cores.size(); ++i) {
        TileBuffer& b = chip_.buffer(cmd.dst_cores[i], cmd.dst_buffers[i]);
        while (!b.has_room(cmd.tiles)) wait(b.changed());
      }
    }
    ++outstanding_;
    const uint64_t issued = chip_.now_cycle();
    queue_.push_back({&cmd, chip_.dram_read(cmd.channel, cmd.bytes, cmd.op), issued});
    queued_.notify(sc_core::SC_ZERO_TIME);
  }
}

void DmaReader::forward() {
  for (;;) {
    while (queue_.empty()) wait(queued_);
    Pending p = queue_.front();
    queue_.pop_front();
    const uint64_t now = chip_.now_cycle();
    if (p.ready_cycle > now) wait(chip_.cycles(p.ready_cycle - now));
    const DramReadCmd* cmd = p.cmd;
    chip_.send(chip_.dram_node(cmd->channel), cmd->dst_cores, cmd->bytes, [this, cmd, p] {
      for (size_t i = 0; i < cmd->dst_cores.size(); ++i)
        chip_.buffer(cmd->dst_cores[i], cmd->dst_buffers[i]).push(cmd->tiles);
      chip_.record({core_, Engine::reader, cmd->op, p.issue_cycle, chip_.now_cycle()});
      ++delivered_;
    });
    --outstanding_;
    slot_freed_.notify(sc_core::SC_ZERO_TIME);
  }
}

}  // namespace tessera
