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
    for (const auto& [core, w] : cmd.dst_waits) {
      TileBuffer& b = chip_.buffer(core, w.buffer);
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
    packets_left_[i] = packets;
    for (uint64_t p = 0; p < packets; ++p) {
      const uint64_t bytes = std::min(packet_bytes_, cmd.bytes - std::min(cmd.bytes, p * packet_bytes_));
      queue_.push_back({i, std::max<uint64_t>(bytes, 1), chip_.dram_read(cmd.channel, std::max<uint64_t>(bytes, 1), cmd.op),
                        cmd.channel, 0});
    }
    queued_.notify(sc_core::SC_ZERO_TIME);
  }
}

void DmaReader::wait_landed() {
  ++barrier_waiters_;
  wait(landed_);
  --barrier_waiters_;
}

uint64_t pages_per_message(uint64_t page_bytes, uint64_t coalesce_bytes, uint32_t pages_per_barrier) {
  const uint64_t fit = std::max<uint64_t>(1, coalesce_bytes / std::max<uint64_t>(page_bytes, 1));
  if (!pages_per_barrier) return fit;
  const uint64_t groups = fit / pages_per_barrier;
  return groups >= 2 ? groups * pages_per_barrier : 1;
}

void DmaReader::wait_messages(size_t read, uint64_t left) {
  while (packets_left_[read] > left) wait_landed();
}

uint32_t DmaReader::take_credits(uint64_t pages) {
  const uint32_t limit = std::max<uint32_t>(paged_.read_credits, 1);
  const uint32_t credits = uint32_t(std::min<uint64_t>(pages, limit));
  while (pages_in_flight_ + credits > limit) wait(credit_freed_);
  pages_in_flight_ += credits;
  return credits;
}

void DmaReader::send_pages(size_t read, uint64_t first, uint64_t n, uint32_t credits) {
  const DramReadCmd& cmd = program_.reader[read];
  const uint64_t end = std::min(cmd.bytes, (first + n) * cmd.page_bytes);
  const uint64_t bytes = std::max<uint64_t>(1, end - std::min(end, first * cmd.page_bytes));
  // Page p lives on channel (channel + p) mod C: the message's pages spread over min(n, C) channels,
  // each booked for its own pages' bytes; the message leaves when the last of them has produced.
  const uint64_t channels = uint64_t(std::max(paged_.channels, 1));
  const int head = int((uint64_t(cmd.channel) + first) % channels);
  uint64_t ready = 0;
  for (uint64_t c = 0; c < std::min(n, channels); ++c) {
    const uint64_t share = n / channels + (c < n % channels ? 1 : 0);
    const uint64_t share_bytes = std::max<uint64_t>(1, bytes * share / n);
    ready = std::max(ready, chip_.dram_read(int((uint64_t(head) + c) % channels), share_bytes, cmd.op));
  }
  queue_.push_back({read, bytes, ready, head, credits});
  queued_.notify(sc_core::SC_ZERO_TIME);
}

void DmaReader::issue_pages(size_t read) {
  const DramReadCmd& cmd = program_.reader[read];
  const uint64_t pages = std::max<uint64_t>(1, (cmd.bytes + cmd.page_bytes - 1) / cmd.page_bytes);
  const uint64_t per_message = pages_per_message(cmd.page_bytes, paged_.coalesce_bytes, cmd.pages_per_barrier);
  if (per_message > 1 && pages > 1) return issue_coalesced(read, pages, per_message);
  packets_left_[read] = pages;
  for (uint64_t p = 0; p < pages; ++p) {
    // The call programs the NIU (the issue time), then the request goes out.
    const uint32_t credits = take_credits(1);
    if (paged_.issue_cycles) wait(chip_.cycles(paged_.issue_cycles));
    send_pages(read, p, 1, credits);
    // The barrier: the kernel waits until this group's pages (and all before them) have landed.
    if (cmd.pages_per_barrier && (p + 1) % cmd.pages_per_barrier == 0 && p + 1 < pages) wait_messages(read, pages - (p + 1));
  }
}

void DmaReader::issue_coalesced(size_t read, uint64_t pages, uint64_t per_message) {
  const DramReadCmd& cmd = program_.reader[read];
  const uint64_t group = cmd.pages_per_barrier;
  // Messages: without barriers one per packet's worth; with them, the first group's pages one by one
  // and the rest of the packet's worth as one message.
  uint64_t messages = 0;
  for (uint64_t p = 0; p < pages; p += per_message) {
    const uint64_t n = std::min(per_message, pages - p);
    messages += group ? std::min(n, group) + (n > group ? 1 : 0) : 1;
  }
  packets_left_[read] = messages;
  for (uint64_t p = 0; p < pages; p += per_message) {
    const uint64_t n = std::min(per_message, pages - p);
    if (!group) {
      const uint32_t credits = take_credits(n);
      if (paged_.issue_cycles) wait(chip_.cycles(n * paged_.issue_cycles));
      send_pages(read, p, n, credits);
      messages -= 1;
      continue;
    }
    const uint64_t head = std::min(n, group);
    for (uint64_t q = 0; q < head; ++q) {
      const uint32_t credits = take_credits(1);
      if (paged_.issue_cycles) wait(chip_.cycles(paged_.issue_cycles));
      send_pages(read, p + q, 1, credits);
    }
    messages -= head;
    const bool last = p + n >= pages;
    if (n == head) {
      if (!last) wait_messages(read, messages);
      continue;
    }
    const uint64_t issued = chip_.now_cycle();
    wait_messages(read, messages);
    const uint64_t round_trip = chip_.now_cycle() - issued;
    // The other groups: each its issue time and a round trip; the last round trip is the message's own.
    const uint64_t groups = (n - head + group - 1) / group;
    const uint64_t busy = (n - head) * paged_.issue_cycles + (groups - 1) * round_trip;
    if (busy) wait(chip_.cycles(busy));
    send_pages(read, p + head, n - head, take_credits(n - head));
    messages -= 1;
    if (!last) wait_messages(read, messages);
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
    chip_.send(chip_.dram_node(p.channel), cmd.dst_cores, p.bytes, [this, read = p.read, credits = p.credits] {
      if (credits) {
        pages_in_flight_ -= credits;
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
