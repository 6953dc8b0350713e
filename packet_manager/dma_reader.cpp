#define SC_INCLUDE_DYNAMIC_PROCESSES
#include "packet_manager/dma_reader.h"

#include <algorithm>

namespace tessera {

DmaReader::DmaReader(sc_core::sc_module_name name, int core, const CoreProgram& program, ChipServices& chip,
                     uint64_t packet_bytes, int max_outstanding, PagedReads paged)
    : sc_module(name),
      core_(core),
      program_(program),
      chip_(chip),
      packet_bytes_(std::max<uint64_t>(packet_bytes, 1)),
      max_outstanding_(max_outstanding),
      packets_left_(program.reader.size(), 0),
      issued_at_(program.reader.size(), 0),
      paged_(paged) {
  for (int stream = 0; stream < kStreams; ++stream)
    sc_core::sc_spawn([this, stream] { issue(stream); }, sc_core::sc_gen_unique_name("issue"));
  SC_THREAD(forward);
}

void DmaReader::issue(int stream) {
  for (size_t i = 0; i < program_.reader.size(); ++i) {
    const DramReadCmd& cmd = program_.reader[i];
    if (std::min(cmd.stream, kStreams - 1) != stream) continue;
    while (outstanding_ >= max_outstanding_) wait(slot_freed_);
    for (const BufferLevel& w : cmd.waits) {
      TileBuffer& b = chip_.buffer(core_, w.buffer);
      while (!b.reached(w.tiles)) wait(b.changed());
    }
    if (cmd.reserve) {
      // Streamed data: wait for the consumers to free room on every destination.
      for (size_t d = 0; d < cmd.dst_cores.size(); ++d) {
        TileBuffer& b = chip_.buffer(cmd.dst_cores[d], cmd.dst_buffers[d]);
        while (!b.has_room(cmd.tiles)) wait(b.changed());
      }
      for (size_t d = 0; d < cmd.dst_cores.size(); ++d) chip_.buffer(cmd.dst_cores[d], cmd.dst_buffers[d]).reserve(cmd.tiles);
    }
    // A tile-at-a-time kernel reads nothing new before what it asked for earlier has landed.
    if (cmd.page_bytes && cmd.pages_per_barrier)
      while (stream_outstanding_[stream] > 0) wait_landed();
    ++outstanding_;
    ++stream_outstanding_[stream];
    issued_at_[i] = chip_.now_cycle();
    if (cmd.page_bytes) {
      issue_pages(i);
      continue;
    }
    const uint64_t packets = std::max<uint64_t>(1, (cmd.bytes + packet_bytes_ - 1) / packet_bytes_);
    packets_left_[i] = uint32_t(packets);
    for (uint64_t p = 0; p < packets; ++p) {
      const uint64_t bytes = std::min(packet_bytes_, cmd.bytes - std::min(cmd.bytes, p * packet_bytes_));
      queue_.push_back({i, std::max<uint64_t>(bytes, 1), chip_.dram_read(cmd.channel, std::max<uint64_t>(bytes, 1), cmd.op),
                        cmd.channel, false});
    }
    queued_.notify(sc_core::SC_ZERO_TIME);
  }
}

void DmaReader::wait_landed() {
  ++barrier_waiters_;
  wait(landed_);
  --barrier_waiters_;
}

void DmaReader::issue_pages(size_t read) {
  const DramReadCmd& cmd = program_.reader[read];
  const uint64_t pages = std::max<uint64_t>(1, (cmd.bytes + cmd.page_bytes - 1) / cmd.page_bytes);
  packets_left_[read] = uint32_t(pages);
  for (uint64_t p = 0; p < pages; ++p) {
    while (pages_in_flight_ >= std::max<uint32_t>(paged_.read_credits, 1)) wait(credit_freed_);
    ++pages_in_flight_;
    // The call programs the NIU (the issue time), then the request goes out.
    if (paged_.issue_cycles) wait(chip_.cycles(paged_.issue_cycles));
    const uint64_t bytes = std::max<uint64_t>(1, std::min<uint64_t>(cmd.page_bytes, cmd.bytes - std::min(cmd.bytes, p * cmd.page_bytes)));
    const int channel = int((uint64_t(cmd.channel) + p) % uint64_t(std::max(paged_.channels, 1)));
    queue_.push_back({read, bytes, chip_.dram_read(channel, bytes, cmd.op), channel, true});
    queued_.notify(sc_core::SC_ZERO_TIME);
    // The barrier: the kernel waits until this group's pages (and all before them) have landed.
    if (cmd.pages_per_barrier && (p + 1) % cmd.pages_per_barrier == 0 && p + 1 < pages)
      while (packets_left_[read] > pages - (p + 1)) wait_landed();
  }
}

void DmaReader::forward() {
  for (;;) {
    while (queue_.empty()) wait(queued_);
    const Packet p = queue_.front();
    queue_.pop_front();
    const uint64_t now = chip_.now_cycle();
    if (p.ready_cycle > now) wait(chip_.cycles(p.ready_cycle - now));
    const DramReadCmd& cmd = program_.reader[p.read];
    chip_.send(chip_.dram_node(p.channel), cmd.dst_cores, p.bytes, [this, read = p.read, page = p.page] {
      if (page) {
        --pages_in_flight_;
        credit_freed_.notify(sc_core::SC_ZERO_TIME);
      }
      // Only a kernel at a barrier listens: an event nobody waits for would still cost a delta cycle.
      if (barrier_waiters_) landed_.notify(sc_core::SC_ZERO_TIME);
      if (--packets_left_[read] > 0) return;
      const DramReadCmd& c = program_.reader[read];
      const uint64_t fill = uint64_t(c.fill_elements) * paged_.store_cycles;
      if (fill == 0) return deliver(read);
      // The kernel's RISC-V writes the elements before it pushes the tiles.
      sc_core::sc_spawn([this, read, fill] {
        wait(chip_.cycles(fill));
        deliver(read);
        // A kernel at a barrier waits for its stream's reads, fill included.
        if (barrier_waiters_) landed_.notify(sc_core::SC_ZERO_TIME);
      }, sc_core::sc_gen_unique_name("fill"));
    });
  }
}

void DmaReader::deliver(size_t read) {
  const DramReadCmd& c = program_.reader[read];
  for (size_t d = 0; d < c.dst_cores.size(); ++d) chip_.buffer(c.dst_cores[d], c.dst_buffers[d]).push(c.tiles);
  chip_.record({core_, Engine::reader, c.op, issued_at_[read], chip_.now_cycle()});
  ++delivered_;
  --outstanding_;
  --stream_outstanding_[std::min(c.stream, kStreams - 1)];
  slot_freed_.notify(sc_core::SC_ZERO_TIME);
}

}  // namespace tessera
