#include "sim/mapper/plan_builder.h"

#include <algorithm>
#include <functional>

namespace tessera {

PlanBuilder::PlanBuilder(const ArchConfig& config, Plan& plan) : config_(config), plan_(&plan) {}

int PlanBuilder::add_buffer(int core, const std::string& name, int op, uint64_t capacity_tiles,
                            uint32_t tile_bytes) {
  auto& buffers = plan_->cores[core].buffers;
  buffers.push_back({name, op, capacity_tiles, tile_bytes});
  return int(buffers.size()) - 1;
}

void PlanBuilder::set_launch(int op, uint64_t ordinal) { launch_of_op_[op] = ordinal; }

BufferLevel PlanBuilder::launch_level(int op) const {
  auto it = launch_of_op_.find(op);
  return it == launch_of_op_.end() ? BufferLevel{-1, 0} : BufferLevel{kLaunchBuffer, it->second};
}

void PlanBuilder::compute(int core, const ComputeCmd& cmd) {
  std::vector<ComputeCmd>& program = plan_->cores[core].compute;
  program.push_back(cmd);
  const BufferLevel launch = launch_level(cmd.op);
  if (launch.buffer >= 0 && (program.size() == 1 || program[program.size() - 2].op != cmd.op))
    program.back().waits.insert(program.back().waits.begin(), launch);
}

void PlanBuilder::dram_read(const std::string& key, int op, int core, int buffer, uint64_t bytes, uint64_t tiles,
                            bool reserve, const std::vector<BufferLevel>& waits, int64_t need, int stream,
                            uint32_t page_bytes, uint32_t fill_elements) {
  if (!recording_) return;
  // Cores of one op share a read; different ops never do (each op's buffers fill and drain on its own).
  auto [it, fresh] = reads_.try_emplace(key + "@" + std::to_string(op));
  ReadGroup& g = it->second;
  if (fresh) g = ReadGroup{op, need, stream, bytes, tiles, reserve, waits, {}, {}, order_++, page_bytes, fill_elements, {}};
  else if (core != g.cores.front())
    for (const BufferLevel& w : waits) {
      auto same = std::find_if(g.dst_waits.begin(), g.dst_waits.end(), [&](const std::pair<int, BufferLevel>& d) {
        return d.first == core && d.second.buffer == w.buffer;
      });
      if (same == g.dst_waits.end()) g.dst_waits.push_back({core, w});
      else same->second.tiles = std::max(same->second.tiles, w.tiles);
    }
  g.cores.push_back(core);
  g.buffers.push_back(buffer);
}

uint64_t PlanBuilder::transfer(const HeldPiece& from, const Region& piece, int op, int core, int buffer,
                               uint64_t bytes, uint64_t raw_bytes, bool compressed, const std::string& tensor) {
  const uint64_t tiles = std::max<int64_t>(region_tiles(piece), 1);
  if (!recording_) return tiles;
  const std::string key = tensor + "|" + std::to_string(from.core) + "|" + std::to_string(op) + "|" +
                          std::to_string(piece.r0) + "," + std::to_string(piece.r1) + "," +
                          std::to_string(piece.c0) + "," + std::to_string(piece.c1);
  auto [it, fresh] = sends_.try_emplace(key);
  SendGroup& g = it->second;
  if (fresh)
    g = SendGroup{int64_t(launch_level(op).tiles), op, from.step, from.core, {from.buffer, from.level}, bytes,
                  raw_bytes, tiles, compressed, false, {}, {}, order_++, 0, {}, 0};
  g.cores.push_back(core);
  g.buffers.push_back(buffer);
  return tiles;
}

void PlanBuilder::forward(int op, int src_core, BufferLevel source, uint64_t bytes, uint64_t tiles, int dst_core,
                          int dst_buffer, BufferLevel sent) {
  if (!recording_) return;
  const std::string key = "forward|" + std::to_string(op) + "|" + std::to_string(src_core) + "|" +
                          std::to_string(source.buffer) + "|" + std::to_string(source.tiles);
  SendGroup& g = sends_[key];
  g = SendGroup{int64_t(launch_level(op).tiles), op, op, src_core, source, bytes, bytes, tiles, false, false,
                {dst_core}, {dst_buffer}, order_++, 0, sent, 0};
}

void PlanBuilder::multicast(int op, int src_core, BufferLevel source, uint64_t bytes, uint64_t tiles,
                            const std::vector<int>& dst_cores, const std::vector<int>& dst_buffers) {
  if (!recording_) return;
  const std::string key = "multicast|" + std::to_string(op) + "|" + std::to_string(src_core) + "|" +
                          std::to_string(source.buffer) + "|" + std::to_string(source.tiles);
  sends_[key] = SendGroup{int64_t(launch_level(op).tiles), op, op, src_core, source, bytes, bytes, tiles, false, false,
                          dst_cores, dst_buffers, order_++, 0, {}, 0};
}

void PlanBuilder::stage_to_dram(const HeldPiece& from, int op, uint64_t bytes, int reader_core,
                                int token_buffer, const std::string& tensor, uint64_t pop_tiles,
                                uint32_t page_bytes, uint32_t pages_per_barrier) {
  if (!recording_) return;
  // One DRAM write per piece, however many cores read it back; each reader gets a token when it lands.
  const std::string key = "stage|" + tensor + "|" + std::to_string(from.core) + "|" + std::to_string(from.region.r0) +
                          "," + std::to_string(from.region.r1) + "," + std::to_string(from.region.c0) + "," +
                          std::to_string(from.region.c1);
  auto [it, fresh] = sends_.try_emplace(key);
  SendGroup& g = it->second;
  if (fresh)
    g = SendGroup{int64_t(launch_level(op).tiles), op, from.step, from.core, {from.buffer, from.level}, bytes, bytes,
                  1, false, true, {}, {}, order_++, 0, {}, 0};
  g.pop_tiles = std::max(g.pop_tiles, pop_tiles);
  g.page_bytes = page_bytes;
  g.pages_per_barrier = pages_per_barrier;
  if (reader_core >= 0) {
    g.cores.push_back(reader_core);
    g.buffers.push_back(token_buffer);
  }
}

void PlanBuilder::finish(Plan& plan) {
  plan_ = &plan;
  finish();
}

void PlanBuilder::finish() {
  // Reads run in the order their consumers' ops run; sends in the order their data is produced, then by
  // consumer. Both orders follow the graph's topological order, so no engine waits on a later one.
  // DRAM interleaves pages over its channels; booking each transfer on the least-loaded channel so far
  // spreads the bytes the same way without splitting transfers.
  std::vector<uint64_t> channel_bytes(config_.dram.positions.size(), 0);
  auto pick_channel = [&](uint64_t bytes) {
    const size_t c = size_t(std::min_element(channel_bytes.begin(), channel_bytes.end()) - channel_bytes.begin());
    channel_bytes[c] += bytes;
    return int(c);
  };
  const bool paged = config_.mapper.schedule == Schedule::op_by_op;
  std::vector<const ReadGroup*> reads;
  for (auto& [key, g] : reads_) reads.push_back(&g);
  std::sort(reads.begin(), reads.end(),
            [](auto* a, auto* b) { return std::tie(a->op, a->need, a->order) < std::tie(b->op, b->need, b->order); });
  for (const ReadGroup* g : reads) {
    DramReadCmd cmd;
    cmd.op = g->op;
    cmd.bytes = g->bytes;
    cmd.tiles = g->tiles;
    cmd.reserve = g->reserve;
    cmd.waits = g->waits;
    cmd.dst_waits = g->dst_waits;
    cmd.stream = g->stream;
    cmd.dst_cores = g->cores;
    cmd.dst_buffers = g->buffers;
    cmd.channel = pick_channel(g->bytes);
    cmd.fill_elements = g->fill_elements;
    // Op by op, tensors live in DRAM interleaved in pages of one tile, read as tt-metal's kernels do.
    if (paged)
      cmd.page_bytes = g->page_bytes ? g->page_bytes : uint32_t(std::max<uint64_t>(1, g->bytes / std::max<uint64_t>(g->tiles, 1)));
    if (paged && kernel_reads_.count(g->op)) {
      const auto [per_barrier, page] = kernel_reads_.at(g->op);
      cmd.pages_per_barrier = per_barrier;
      if (page) cmd.page_bytes = page;
    }
    plan_->cores[g->cores.front()].reader.push_back(cmd);
  }
  std::vector<const SendGroup*> sends;
  for (auto& [key, g] : sends_) sends.push_back(&g);
  // Op by op, a core's sends go program by program: a send feeding a later program waits for its launch,
  // which waits for every send of the programs before it.
  std::sort(sends.begin(), sends.end(), [](auto* a, auto* b) {
    return std::tie(a->program, a->producer_step, a->op, a->order) < std::tie(b->program, b->producer_step, b->op, b->order);
  });
  for (const SendGroup* g : sends) {
    SendCmd cmd;
    cmd.op = g->op;
    cmd.source = g->source;
    cmd.bytes = g->bytes;
    cmd.raw_bytes = g->raw_bytes;
    cmd.tiles = g->tiles;
    cmd.compressed = g->compressed;
    cmd.to_dram = g->to_dram;
    cmd.channel = g->to_dram ? pick_channel(g->bytes) : 0;
    cmd.dst_cores = g->cores;
    cmd.dst_buffers = g->buffers;
    if (!g->to_dram) cmd.launch = launch_level(g->op);
    cmd.pop_tiles = g->pop_tiles;
    cmd.sent = g->sent;
    if (paged && g->to_dram) {
      cmd.page_bytes = g->page_bytes ? g->page_bytes : plan_->cores[g->src_core].buffers[g->source.buffer].tile_bytes;
      cmd.pages_per_barrier = g->pages_per_barrier;
    }
    plan_->cores[g->src_core].writer.push_back(cmd);
  }
  reads_.clear();
  sends_.clear();
}

}  // namespace tessera
