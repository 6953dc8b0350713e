#define SC_INCLUDE_DYNAMIC_PROCESSES
#include "packet_manager/dma_writer.h"

#include "packet_manager/dma_reader.h"

#include <algorithm>

namespace tessera {

static uint64_t ceil_div(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

uint64_t writer_read_cycles(const SendCmd& cmd, const PacketManagerConfig& config, uint64_t sram_read_bytes_per_cycle) {
  const uint64_t rate = std::min<uint64_t>(config.dma_read_bytes_per_cycle, sram_read_bytes_per_cycle);
  return ceil_div(cmd.bytes, std::max<uint64_t>(rate, 1));
}

DmaWriter::DmaWriter(sc_core::sc_module_name name, int core, const CoreProgram& program, ChipServices& chip,
                     const PacketManagerConfig& config, uint64_t sram_read_bytes_per_cycle, uint64_t packet_bytes,
                     uint64_t link_bytes_per_cycle, int dram_channels)
    : sc_module(name),
      core_(core),
      program_(program),
      chip_(chip),
      config_(config),
      sram_read_bytes_per_cycle_(sram_read_bytes_per_cycle),
      link_bytes_per_cycle_(std::max<uint64_t>(link_bytes_per_cycle, 1)),
      compressor_(core, config, chip),
      packet_bytes_(std::max<uint64_t>(packet_bytes, 1)),
      dram_channels_(std::max(dram_channels, 1)),
      packets_left_(program.writer.size(), 0),
      written_at_(program.writer.size(), 0) {
  SC_THREAD(run);
  SC_METHOD(release_staged);
  sensitive << staged_event_;
  dont_initialize();
}

void DmaWriter::notify_at(uint64_t cycle, const SendCmd* cmd) {
  staged_.push_back({cycle, cmd});
  const uint64_t now = chip_.now_cycle();
  staged_event_.notify(chip_.cycles(cycle > now ? cycle - now : 0));
}

void DmaWriter::release_staged() {
  const uint64_t now = chip_.now_cycle();
  for (auto it = staged_.begin(); it != staged_.end();) {
    if (it->first > now) { ++it; continue; }
    const SendCmd* c = it->second;
    for (size_t i = 0; i < c->dst_cores.size(); ++i) chip_.buffer(c->dst_cores[i], c->dst_buffers[i]).push(c->tiles);
    it = staged_.erase(it);
  }
  uint64_t next = UINT64_MAX;
  for (const auto& s : staged_) next = std::min(next, s.first);
  if (next != UINT64_MAX) staged_event_.notify(chip_.cycles(next - now));
}

void DmaWriter::send_pages(size_t index, uint64_t first, uint64_t n, bool acknowledged) {
  const SendCmd& cmd = program_.writer[index];
  const uint64_t channels = uint64_t(dram_channels_);
  const uint64_t end = std::min(cmd.bytes, (first + n) * cmd.page_bytes);
  const uint64_t bytes = std::max<uint64_t>(1, end - std::min(end, first * cmd.page_bytes));
  const int head = int((uint64_t(cmd.channel) + first) % channels);
  if (acknowledged) ++acks_pending_;
  chip_.send(chip_.core_node(core_), {-1 - head}, bytes, [this, index, bytes, head, n, channels, acknowledged] {
    const SendCmd* c = &program_.writer[index];
    // Page q goes to channel (head + q) mod C: each channel writes its own pages' bytes.
    uint64_t written = 0;
    for (uint64_t k = 0; k < std::min(n, channels); ++k) {
      const uint64_t share = n / channels + (k < n % channels ? 1 : 0);
      const int channel = int((uint64_t(head) + k) % channels);
      written = std::max(written, chip_.dram_write(channel, std::max<uint64_t>(1, bytes * share / n), c->op));
    }
    written_at_[index] = std::max(written_at_[index], written);
    if (--packets_left_[index] == 0 && !c->dst_cores.empty()) notify_at(written_at_[index], c);
    if (!acknowledged) return;
    // The channel acknowledges the write once its bytes are in DRAM: a request-sized packet back.
    const uint64_t now = chip_.now_cycle();
    sc_core::sc_spawn([this, head, delay = written > now ? written - now : 0] {
      if (delay) wait(chip_.cycles(delay));
      chip_.send(chip_.dram_node(head), {core_}, config_.engine.request_bytes, [this] {
        --acks_pending_;
        acked_.notify(sc_core::SC_ZERO_TIME);
      });
    }, sc_core::sc_gen_unique_name("write_ack"));
  });
}

void DmaWriter::wait_acks() {
  while (acks_pending_ > 0) wait(acked_);
}

uint64_t DmaWriter::write_pages(const SendCmd& cmd) {
  const size_t index = size_t(&cmd - program_.writer.data());
  const uint64_t pages = std::max<uint64_t>(1, ceil_div(cmd.bytes, cmd.page_bytes));
  const uint64_t group = cmd.pages_per_barrier;
  const uint64_t issue = config_.engine.riscv_issue_cycles;
  // Pages smaller than a packet travel a packet's worth per message (in whole barrier groups), each page
  // still its own write call.
  const uint64_t per_message = pages_per_message(cmd.page_bytes, config_.engine.response_packet_bytes, cmd.pages_per_barrier);
  // Messages: without barriers one per packet's worth; with them, as the paged reader's (dma_reader.cpp),
  // one per page when a packet holds less than two groups, else a message's first group page by page and
  // the rest as one message.
  uint64_t messages = 0;
  for (uint64_t p = 0; p < pages; p += per_message) {
    const uint64_t n = std::min(per_message, pages - p);
    messages += group && n > 1 ? std::min(n, group) + (n > group ? 1 : 0) : 1;
  }
  packets_left_[index] = messages;
  const uint64_t start = chip_.now_cycle();
  for (uint64_t p = 0; p < pages; p += per_message) {
    const uint64_t n = std::min(per_message, pages - p);
    if (!group) {
      // The calls program the NIU (the issue time each), then the pages go out.
      if (issue) wait(chip_.cycles(n * issue));
      send_pages(index, p, n, false);
      continue;
    }
    if (per_message == 1) {
      // Page by page (the exact model); the barrier after each group of pages and after the last.
      if (issue) wait(chip_.cycles(issue));
      send_pages(index, p, 1, true);
      if ((p + 1) % group == 0 || p + 1 == pages) wait_acks();
      continue;
    }
    // A message holds whole groups: its first group page by page, then the barrier, which measures the
    // round trip.
    const uint64_t head = std::min(n, group);
    for (uint64_t q = 0; q < head; ++q) {
      if (issue) wait(chip_.cycles(issue));
      send_pages(index, p + q, 1, true);
    }
    const uint64_t sent = chip_.now_cycle();
    wait_acks();
    if (n == head) continue;
    // The other groups: each its issue time and the first group's round trip; the last round trip is the
    // message's own.
    const uint64_t round_trip = chip_.now_cycle() - sent;
    const uint64_t groups = (n - head + group - 1) / group;
    const uint64_t busy = (n - head) * issue + (groups - 1) * round_trip;
    if (busy) wait(chip_.cycles(busy));
    send_pages(index, p + head, n - head, true);
    wait_acks();
  }
  return chip_.now_cycle() - start;
}

void DmaWriter::run() {
  for (const SendCmd& cmd : program_.writer) {
    if (cmd.launch.buffer >= 0) {
      TileBuffer& launch = chip_.buffer(core_, cmd.launch.buffer);
      while (!launch.reached(cmd.launch.tiles)) wait(launch.changed());
    }
    TileBuffer& source = chip_.buffer(core_, cmd.source.buffer);
    while (!source.reached(cmd.source.tiles)) wait(source.changed());
    const uint64_t start = chip_.now_cycle();
    // The read out of SRAM, the compressor and the NoC stream together: the send holds the engine until
    // the slower of the read and the compression is done, and its last byte cannot leave before then.
    uint64_t busy = writer_read_cycles(cmd, config_, sram_read_bytes_per_cycle_);
    if (cmd.compressed) busy = std::max(busy, compressor_.compress(cmd.op, cmd.raw_bytes, start) - start);
    // Packets enter the NoC as their bytes are ready: when the engine is slower than a link, the payload
    // starts late enough for its tail to follow the engine's last byte.
    const uint64_t carried = ceil_div(cmd.bytes, link_bytes_per_cycle_);
    const uint64_t lead = busy > carried ? busy - carried : 0;
    if (lead) wait(chip_.cycles(lead));
    if (cmd.to_dram && cmd.page_bytes) {
      const uint64_t issuing = write_pages(cmd);
      wait(chip_.cycles(busy - lead > issuing ? busy - lead - issuing : 0));
      if (cmd.pop_tiles) source.pop(cmd.pop_tiles);
      chip_.record({core_, Engine::writer, cmd.op, start, chip_.now_cycle()});
      ++done_;
      continue;
    }
    if (cmd.to_dram) {
      // Packet by packet, so that the channel writes one packet while the NoC carries the next.
      const size_t index = size_t(&cmd - program_.writer.data());
      const uint64_t packets = std::max<uint64_t>(1, ceil_div(cmd.bytes, packet_bytes_));
      packets_left_[index] = packets;
      for (uint64_t p = 0; p < packets; ++p) {
        const uint64_t bytes = std::max<uint64_t>(1, std::min(packet_bytes_, cmd.bytes - std::min(cmd.bytes, p * packet_bytes_)));
        chip_.send(chip_.core_node(core_), {-1 - cmd.channel}, bytes, [this, index, bytes] {
          const SendCmd* c = &program_.writer[index];
          written_at_[index] = std::max(written_at_[index], chip_.dram_write(c->channel, bytes, c->op));
          // Tell the cores that will read the data back once all of it is in DRAM.
          if (--packets_left_[index] == 0 && !c->dst_cores.empty()) notify_at(written_at_[index], c);
        });
      }
    } else {
      const SendCmd* c = &cmd;
      chip_.send(chip_.core_node(core_), cmd.dst_cores, cmd.bytes, [this, c] {
        for (size_t i = 0; i < c->dst_cores.size(); ++i) chip_.buffer(c->dst_cores[i], c->dst_buffers[i]).push(c->tiles);
      });
    }
    wait(chip_.cycles(busy - lead));
    if (cmd.pop_tiles) source.pop(cmd.pop_tiles);
    chip_.record({core_, Engine::writer, cmd.op, start, start + busy});
    if (cmd.sent.buffer >= 0) {
      // The NIU holds the payload until its last byte is on the link.
      if (lead + carried > busy) wait(chip_.cycles(lead + carried - busy));
      chip_.buffer(core_, cmd.sent.buffer).push(cmd.sent.tiles);
    }
    ++done_;
  }
}

}  // namespace tessera
