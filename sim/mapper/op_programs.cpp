#include "sim/mapper/op_programs.h"

#include <algorithm>

#include "sim/mapper/input_regions.h"
#include "sim/mapper/kernel_writes.h"

namespace tessera {

void OpPrograms::begin(int op_index) {
  close();
  ctx_.builder.set_launch(op_index, ++launched_);
  ops_.push_back(op_index);
}

bool OpPrograms::stays_in_l1(int tensor) const {
  const Tensor& t = ctx_.graph.tensors[size_t(tensor)];
  if (t.memory && t.memory->buffer == BufferType::dram) return false;
  // SRAM fitting sends it through DRAM for some consumer: then it goes there within its own program.
  for (int c : t.consumers)
    if (ctx_.decisions.staged.count({tensor, c})) return false;
  const double fraction = ctx_.config.mapper.l1_tensor_fraction;
  if (fraction <= 0) return false;
  // Each holder's share, as its pieces take SRAM.
  std::map<int, uint64_t> bytes;
  for (const HeldPiece& piece : ctx_.held[size_t(tensor)]) bytes[piece.core] += region_bytes(piece.region, ctx_.format_of(t));
  if (bytes.empty()) return false;
  const double limit = fraction * double(ctx_.config.core.sram_bytes());
  return std::all_of(bytes.begin(), bytes.end(), [&](const auto& kv) { return double(kv.second) <= limit; });
}

bool OpPrograms::goes_to_dram(int tensor) const {
  const Tensor& t = ctx_.graph.tensors[tensor];
  // A graph output the trace keeps in L1 (an op cut out of a profile) ends where it was computed.
  if (t.consumers.empty()) return !(t.memory && t.memory->buffer == BufferType::l1);
  if (stays_in_l1(tensor)) return false;
  return std::any_of(t.consumers.begin(), t.consumers.end(),
                     [&](int c) { return std::find(ops_.begin(), ops_.end(), c) == ops_.end(); });
}

std::map<uint64_t, uint64_t> OpPrograms::bound_output(int core, int buffer, const std::vector<uint64_t>& levels) {
  if (whole_.count({core, buffer})) return {};
  CoreProgram& program = ctx_.plan.cores[size_t(core)];
  uint64_t block = 0, total = 0;
  // The program's blocks are the last on the core (ops are lowered in order).
  for (auto it = program.compute.rbegin(); it != program.compute.rend() && it->op >= ops_.front(); ++it) {
    const ComputeCmd& cmd = *it;
    for (const BufferLevel& w : cmd.waits)
      if (w.buffer == buffer) return {};  // read again on this core: it stays
    if (cmd.out_buffer == buffer) {
      block = std::max(block, cmd.out_tiles);
      total += cmd.out_tiles;
    }
  }
  std::map<uint64_t, uint64_t> pops;
  uint64_t previous = 0, piece = 0;
  for (uint64_t level : levels) {
    if (level > previous) pops[level] = level - previous;
    piece = std::max(piece, level - std::min(level, previous));
    previous = std::max(previous, level);
  }
  const uint64_t capacity = 2 * std::max(block, piece);
  if (capacity == 0 || total <= capacity || previous != total) return {};
  BufferSpec& spec = program.buffers[size_t(buffer)];
  spec.capacity_tiles = capacity;
  // The op holds two blocks of its output now, not all of it.
  const uint64_t freed = (total - capacity) * spec.tile_bytes;
  const int op = ops_.front();
  uint64_t& resident = ctx_.resident[size_t(core)][size_t(op)];
  resident -= std::min(resident, freed);
  for (Holding& h : ctx_.holdings)
    if (h.core == core && h.from == op && h.to == op && h.tensor < 0 && h.bytes >= freed) {
      h.bytes -= freed;
      break;
    }
  return pops;
}

void OpPrograms::close() {
  if (ops_.empty()) return;
  Launch launch;
  launch.op = ops_.front();
  launch.cores.assign(cores_.begin(), cores_.end());
  // Done when each core's compute has finished the op...
  for (int core : launch.cores) launch.done.push_back({core, {kProgressBuffer, ctx_.ops_on_core[size_t(core)]}});
  // ...and every piece written to DRAM has landed: the writing core gets a token per piece.
  std::map<int, std::pair<int, uint64_t>> tokens;  // core -> (token buffer, pieces)
  // The writes belong to the program's op: its device time runs until they land.
  for (int op : ops_)
    for (int t : ctx_.graph.ops[size_t(op)].outputs) {
      if (!goes_to_dram(t)) continue;
      const Tensor& tensor = ctx_.graph.tensors[size_t(t)];
      // Each core's output buffer streams out when nothing else reads it.
      std::map<std::pair<int, int>, std::vector<uint64_t>> levels;  // (core, buffer) -> piece levels
      for (const HeldPiece& piece : ctx_.held[size_t(t)]) levels[{piece.core, piece.buffer}].push_back(piece.level);
      std::map<std::pair<int, int>, std::map<uint64_t, uint64_t>> pops;
      for (auto& [key, list] : levels) {
        std::sort(list.begin(), list.end());
        pops[key] = bound_output(key.first, key.second, list);
      }
      for (const HeldPiece& piece : ctx_.held[size_t(t)]) {
        auto& freed = pops[{piece.core, piece.buffer}];
        const auto it = freed.find(piece.level);
        const uint64_t pop = it == freed.end() ? 0 : it->second;
        if (it != freed.end()) freed.erase(it);  // one piece frees a level's tiles
        auto [token, fresh] = tokens.try_emplace(piece.core, -1, 0);
        if (fresh) {
          const auto preset = written_tokens_.find(piece.core);
          token->second.first = preset != written_tokens_.end()
                                    ? preset->second
                                    : ctx_.builder.add_buffer(piece.core, "written:" + ctx_.graph.ops[size_t(launch.op)].name,
                                                              launch.op, 0, 1);
        }
        ctx_.builder.stage_to_dram(piece, launch.op, region_bytes(piece.region, ctx_.format_of(tensor)), piece.core,
                                   token->second.first, tensor.name, pop, ctx_.row_page_bytes(tensor),
                                   kernel_write_pages_per_barrier(ctx_.graph, ctx_.graph.ops[size_t(op)]));
        ++token->second.second;
      }
      // Consumers read it from DRAM now.
      ctx_.held[size_t(t)].clear();
    }
  for (const auto& [core, token] : tokens) launch.done.push_back({core, {token.first, token.second}});
  ctx_.plan.launches.push_back(std::move(launch));
  ops_.clear();
  cores_.clear();
  whole_.clear();
  written_tokens_.clear();
}

}  // namespace tessera
