#include "sim/chip/run_invariants.h"

#include <algorithm>
#include <cmath>

namespace tessera {

RunInvariants::RunInvariants(const Plan& plan, ChipServices& chip,
                             const std::vector<std::unique_ptr<ComputePipeline>>& compute)
    : plan_(plan), chip_(chip), compute_(compute), cores_(plan.cores.size()) {
  // Bytes each buffer stores per tile: what the commands that fill it move (DMA payloads as sent, after
  // compression and without all-zero tiles; packed output tiles whole; staging tokens nothing).
  std::vector<std::vector<std::pair<double, double>>> fill(plan.cores.size());  // (bytes, tiles)
  for (size_t c = 0; c < plan.cores.size(); ++c) fill[c].assign(plan.cores[c].buffers.size(), {0.0, 0.0});
  for (const CoreProgram& p : plan.cores) {
    for (const DramReadCmd& r : p.reader)
      for (size_t d = 0; d < r.dst_cores.size(); ++d) {
        fill[r.dst_cores[d]][r.dst_buffers[d]].first += double(r.bytes);
        fill[r.dst_cores[d]][r.dst_buffers[d]].second += double(r.tiles);
      }
    for (const SendCmd& s : p.writer)
      for (size_t d = 0; d < s.dst_cores.size(); ++d) {
        fill[s.dst_cores[d]][s.dst_buffers[d]].first += s.to_dram ? 0.0 : double(s.bytes);
        fill[s.dst_cores[d]][s.dst_buffers[d]].second += double(s.tiles);
      }
  }
  for (size_t c = 0; c < plan.cores.size(); ++c)
    for (const ComputeCmd& k : plan.cores[c].compute)
      if (k.out_buffer >= 0) {
        fill[c][k.out_buffer].first += double(k.out_tiles) * plan.cores[c].buffers[k.out_buffer].tile_bytes;
        fill[c][k.out_buffer].second += double(k.out_tiles);
      }
  for (size_t c = 0; c < plan.cores.size(); ++c) {
    const CoreProgram& p = plan.cores[c];
    std::vector<Release> rel(p.buffers.size());
    for (size_t b = 0; b < rel.size(); ++b) rel[b].buffer = int(b);
    for (size_t k = 0; k < p.compute.size(); ++k) {
      const ComputeCmd& cmd = p.compute[k];
      for (const BufferLevel& w : cmd.waits) rel[w.buffer].after_blocks = k + 1;
      for (const BufferLevel& w : cmd.pops) rel[w.buffer].after_blocks = k + 1;
      if (cmd.out_buffer >= 0) rel[cmd.out_buffer].after_blocks = k + 1;
    }
    for (size_t s = 0; s < p.writer.size(); ++s) rel[p.writer[s].source.buffer].after_sends = s + 1;
    // An output streamed out in order (each send carries at most the tiles since the previous send's level,
    // and no block of the core reads the buffer) frees each send's tiles when the send is done. Anything
    // else is held until its last reader is done.
    std::vector<bool> read_by_blocks(p.buffers.size(), false), in_order(p.buffers.size(), true);
    for (const ComputeCmd& k : p.compute) {
      for (const BufferLevel& w : k.waits) read_by_blocks[w.buffer] = true;
      for (const BufferLevel& w : k.pops) read_by_blocks[w.buffer] = true;
    }
    std::vector<uint64_t> level(p.buffers.size(), 0);
    std::vector<std::pair<int, uint64_t>> drains(p.writer.size(), {-1, 0});
    for (size_t s = 0; s < p.writer.size(); ++s) {
      const SendCmd& cmd = p.writer[s];
      const int b = cmd.source.buffer;
      const uint64_t delta = cmd.source.tiles > level[b] ? cmd.source.tiles - level[b] : 0;
      const uint64_t raw = cmd.raw_bytes ? cmd.raw_bytes : cmd.bytes;
      if (delta == 0 || raw > delta * p.buffers[b].tile_bytes) in_order[b] = false;
      level[b] = std::max(level[b], cmd.source.tiles);
      drains[s] = cmd.pop_tiles ? std::pair<int, uint64_t>{-1, 0} : std::pair<int, uint64_t>{b, delta};  // pops free it
    }
    for (auto& d : drains)
      if (d.first >= 0 && (read_by_blocks[d.first] || !in_order[d.first])) d = {-1, 0};
    cores_[c].drains = std::move(drains);
    std::stable_sort(rel.begin(), rel.end(), [](const Release& a, const Release& b) { return a.after_blocks < b.after_blocks; });
    cores_[c].by_blocks = std::move(rel);
    for (size_t b = 0; b < p.buffers.size(); ++b)
      chip.buffer(int(c), int(b)).attach(&cores_[c].meter, fill[c][b].second > 0 ? fill[c][b].first / fill[c][b].second : 0.0);
    cores_[c].meter.before_add = [this, c] { release_done(int(c)); };
  }
}

void RunInvariants::on_send_done(int core) {
  CoreState& s = cores_[core];
  const auto [buffer, tiles] = s.drains[s.sends_done];
  if (buffer >= 0) chip_.buffer(core, buffer).drain(tiles);
  ++s.sends_done;
  release_done(core);
}

void RunInvariants::release_done(int core) {
  CoreState& s = cores_[core];
  const size_t blocks = compute_[core]->blocks_done();
  for (; s.next < s.by_blocks.size() && s.by_blocks[s.next].after_blocks <= blocks; ++s.next)
    s.by_sends.push({s.by_blocks[s.next].after_sends, s.by_blocks[s.next].buffer});
  for (; !s.by_sends.empty() && s.by_sends.top().first <= s.sends_done; s.by_sends.pop())
    chip_.buffer(core, s.by_sends.top().second).release();
}

ChipMeasurements RunInvariants::measurements() const {
  ChipMeasurements m;
  m.op_output_tiles.assign(plan_.ops.size(), 0);
  for (size_t c = 0; c < plan_.cores.size(); ++c) {
    m.sram_peak_bytes.push_back(uint64_t(std::llround(cores_[c].meter.peak())));
    const CoreProgram& p = plan_.cores[c];
    std::vector<bool> is_output(p.buffers.size(), false);
    for (const ComputeCmd& cmd : p.compute)
      if (cmd.out_buffer >= 0) is_output[size_t(cmd.out_buffer)] = true;
    for (size_t b = 0; b < p.buffers.size(); ++b)
      if (is_output[b] && p.buffers[b].op >= 0)
        m.op_output_tiles[size_t(p.buffers[b].op)] += chip_.buffer(int(c), int(b)).pushed();
  }
  return m;
}

}  // namespace tessera
