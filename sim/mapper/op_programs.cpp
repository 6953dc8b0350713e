#include "sim/mapper/op_programs.h"

#include <algorithm>

#include "sim/mapper/input_regions.h"

namespace tessera {

void OpPrograms::begin(int op_index) {
  close();
  ctx_.builder.set_launch(op_index, ++launched_);
  ops_.push_back(op_index);
}

bool OpPrograms::goes_to_dram(int tensor) const {
  const Tensor& t = ctx_.graph.tensors[tensor];
  if (t.consumers.empty()) return true;
  return std::any_of(t.consumers.begin(), t.consumers.end(),
                     [&](int c) { return std::find(ops_.begin(), ops_.end(), c) == ops_.end(); });
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
      for (const HeldPiece& piece : ctx_.held[size_t(t)]) {
        auto [it, fresh] = tokens.try_emplace(piece.core, -1, 0);
        if (fresh)
          it->second.first = ctx_.builder.add_buffer(piece.core, "written:" + ctx_.graph.ops[size_t(launch.op)].name,
                                                     launch.op, 0, 1);
        ctx_.builder.stage_to_dram(piece, launch.op, region_bytes(piece.region, ctx_.format_of(tensor)), piece.core,
                                   it->second.first, tensor.name);
        ++it->second.second;
      }
      // Consumers read it from DRAM now.
      ctx_.held[size_t(t)].clear();
    }
  for (const auto& [core, token] : tokens) launch.done.push_back({core, {token.first, token.second}});
  ctx_.plan.launches.push_back(std::move(launch));
  ops_.clear();
  cores_.clear();
}

}  // namespace tessera
