// mapper.parallel=expert: an MoE layer's experts dealt round the chips, all_to_all dispatch and combine
// (parallel_split.h). Stage 0 is everything before the experts (attention, the router, the dispatch),
// stage 1 each chip's experts on the tokens routed to them, stage 2 the combine and what follows; stages
// 0 and 2 run data-parallel when the batch divides over the chips.
#include <algorithm>
#include <map>

#include "sim/base/errors.h"
#include "sim/system/fabric_routing.h"
#include "sim/system/parallel_split.h"
#include "sim/system/stage_traces.h"

namespace tessera::system {

SystemWorkload split_expert(const SystemConfig& s, const nlohmann::json& trace, const Graph& graph, const std::string& file) {
  const int n = s.num_chips();
  int dispatch = -1, combine = -1;
  for (size_t i = 0; i < graph.ops.size(); ++i) {
    const OpType t = graph.ops[i].type;
    if (t != OpType::moe_dispatch && t != OpType::moe_combine) continue;
    int& slot = t == OpType::moe_dispatch ? dispatch : combine;
    if (slot >= 0)
      throw InputError(file + ": /ops: expected one MoE layer for mapper.parallel=expert, got a second " +
                       to_string(t) + " (op " + graph.ops[i].name + ")");
    slot = int(i);
  }
  if (dispatch < 0 || combine < 0)
    throw InputError(file + ": /ops: expected an MoE layer (a moe_dispatch and a moe_combine) for mapper.parallel=expert, "
                     "got none; mapper.parallel=data or tensor splits a dense trace");
  // Which expert each tensor belongs to: dispatch output e, and everything computed from it before the combine.
  std::vector<int> expert_of(graph.tensors.size(), -1);
  const Op& d = graph.ops[size_t(dispatch)];
  for (size_t e = 0; e < d.outputs.size(); ++e) expert_of[size_t(d.outputs[e])] = int(e);
  // Stage of each op: 1 for an expert's ops, 2 for the combine and anything after, 0 otherwise.
  std::vector<int> stage_of_tensor(graph.tensors.size(), 0);
  for (int t : d.outputs) stage_of_tensor[size_t(t)] = 1;
  std::vector<std::vector<StageOp>> ops(3);
  std::vector<std::vector<StageOp>> expert_ops(d.outputs.size());
  uint64_t dispatched = 0, returned = 0;
  const DataFormat format = s.chips[0].mapper.default_format;
  for (size_t i = 0; i < graph.ops.size(); ++i) {
    const Op& op = graph.ops[i];
    StageOp so{int(i), {}, {}, {}};
    int stage = 0, expert = -1;
    for (int t : op.inputs) {
      so.inputs.push_back(graph.tensors[size_t(t)].name);
      stage = std::max(stage, stage_of_tensor[size_t(t)]);
      if (expert_of[size_t(t)] >= 0) expert = expert_of[size_t(t)];
    }
    if (int(i) == dispatch) expert = -1, stage = 0;
    else if (int(i) == combine || (stage >= 1 && expert < 0)) stage = 2, expert = -1;
    for (int t : op.outputs) {
      so.outputs.push_back(graph.tensors[size_t(t)].name);
      if (int(i) == dispatch) continue;
      stage_of_tensor[size_t(t)] = stage;
      expert_of[size_t(t)] = expert;
    }
    if (int(i) == combine)
      for (size_t k = 0; k + 1 < op.inputs.size(); ++k) {
        const Tensor& t = graph.tensors[size_t(op.inputs[k])];
        returned += tensor_bytes(t, t.shape, format);
      }
    if (expert >= 0) expert_ops[size_t(expert)].push_back(so);
    else ops[size_t(stage)].push_back(so);
  }
  for (int t : d.outputs) dispatched += tensor_bytes(graph.tensors[size_t(t)], graph.tensors[size_t(t)].shape, format);

  std::map<std::string, ChipTensor> tensors;
  for (size_t t = 0; t < graph.tensors.size(); ++t) tensors[graph.tensors[t].name] = ChipTensor{int(t), graph.tensors[t].shape};
  const StageTraceBuilder builder(trace, graph, file);
  SystemWorkload w;
  w.mode = Parallel::expert;
  w.stages.resize(3);
  // Before and after the experts: each chip its share of the batch when the batch divides over the chips
  // (the attention data-parallel), otherwise every chip all of it.
  int64_t batch = 0;  // as batch_share counts it: the inputs' largest dimension 0
  for (const Tensor& t : graph.tensors)
    if (t.kind == TensorKind::input && !t.shape.empty()) batch = std::max(batch, t.shape[0]);
  const bool divides = batch > 0 && batch % n == 0;
  const std::string over = "over the " + std::to_string(n) + " chips of " + s.name + " (mapper.parallel=expert)";
  for (int k : {0, 2}) {
    std::map<std::string, std::shared_ptr<const Graph>> alike;
    for (int c = 0; c < n; ++c) {
      const BatchShare share = divides ? batch_share(trace, graph, file, n, c, over) : BatchShare{tensors, {}};
      std::vector<StageOp> mine = ops[size_t(k)];
      std::string key;
      for (StageOp& op : mine)
        if (auto it = share.attrs.find(op.op); it != share.attrs.end()) op.attrs = it->second, key += it->second.dump();
      auto& g = alike[key];
      if (!g && !mine.empty())
        g = std::make_shared<const Graph>(builder.build(mine, share.tensors, graph.name + (k == 0 ? ", before the experts" : ", after the experts")));
      w.stages[size_t(k)].chips.push_back(g);
    }
  }
  w.stages[1].chips.resize(size_t(n));
  for (int c = 0; c < n; ++c) {
    std::vector<StageOp> mine;
    for (size_t e = size_t(c); e < expert_ops.size(); e += size_t(n)) mine.insert(mine.end(), expert_ops[e].begin(), expert_ops[e].end());
    if (!mine.empty())
      w.stages[1].chips[size_t(c)] = std::make_shared<const Graph>(
          builder.build(mine, tensors, graph.name + ", the experts of chip " + std::to_string(c)));
  }
  // The all_to_alls move what the routing sends: chip c holds its dealt rows of each expert's tokens
  // (deal_rows, as its share of the batch gets them) and sends them to the expert's chip, which sends the
  // outputs back.
  const std::string where = file + ": op " + d.name;
  const std::vector<int> order = snake_devices(s, n, false, where);
  std::vector<int> position(static_cast<size_t>(n));
  for (int p = 0; p < n; ++p) position[size_t(order[size_t(p)])] = p;
  std::vector<int64_t> counts = d.attrs.value("tokens_per_expert", std::vector<int64_t>{});
  const auto dealt = deal_rows(counts, n);
  std::vector<std::vector<uint64_t>> to_experts(size_t(n), std::vector<uint64_t>(size_t(n), 0)), back = to_experts;
  const Op& c = graph.ops[size_t(combine)];
  const auto row_bytes = [&](int t) {
    const Tensor& x = graph.tensors[size_t(t)];
    std::vector<int64_t> row = x.shape;
    row[0] = 1;
    return tensor_bytes(x, row, format);
  };
  for (size_t e = 0; e < d.outputs.size() && e < counts.size(); ++e) {
    const int owner = position[e % size_t(n)];
    for (int i = 0; i < n; ++i) {
      const uint64_t rows = uint64_t(dealt[size_t(i)][e]);
      to_experts[size_t(position[size_t(i)])][size_t(owner)] += rows * row_bytes(d.outputs[e]);
      back[size_t(owner)][size_t(position[size_t(i)])] += rows * row_bytes(c.inputs[e]);
    }
  }
  Collective dispatch_a2a = system_collective(s, CollectiveOp::all_to_all, (dispatched + n - 1) / n, format, where);
  dispatch_a2a.piece_bytes = to_experts;
  Collective combine_a2a = system_collective(s, CollectiveOp::all_to_all, (returned + n - 1) / n, format, where);
  combine_a2a.piece_bytes = back;
  w.stages[0].collectives.push_back({dispatch_a2a, d.name, "the routed tokens to their experts' chips"});
  w.stages[1].collectives.push_back({combine_a2a, c.name, "the experts' outputs back for the combine"});
  w.notes.push_back(std::to_string(d.outputs.size()) + " experts dealt round " + std::to_string(n) +
                    " chips (expert e on device e mod " + std::to_string(n) + "); the ops before and after the experts run " +
                    (divides ? "on each chip for 1/" + std::to_string(n) + " of the batch" : std::string("on every chip for the whole batch")) +
                    "; the all_to_alls carry each chip's tokens to their experts' chips and back");
  return w;
}

}  // namespace tessera::system
