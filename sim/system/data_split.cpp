// mapper.parallel=data: every chip runs the whole graph on 1/N of the batch (parallel_split.h).
#include <set>

#include "sim/base/errors.h"
#include "sim/system/parallel_split.h"
#include "sim/system/stage_traces.h"

namespace tessera::system {
namespace {

size_t entry_of(const nlohmann::json& trace, const std::string& key, const std::string& name) {
  for (size_t i = 0; i < trace[key].size(); ++i)
    if (trace[key][i].value("name", "") == name) return i;
  return 0;
}

}  // namespace

std::map<std::string, ChipTensor> batch_share(const nlohmann::json& trace, const Graph& graph, const std::string& file,
                                              int parts, const std::string& over) {
  for (const Op& op : graph.ops)
    if (parts > 1 && (op.type == OpType::moe_topk || op.type == OpType::moe_dispatch || op.type == OpType::moe_combine))
      throw InputError(file + ": /ops/" + std::to_string(entry_of(trace, "ops", op.name)) +
                       "/type: expected no MoE routing ops to split the batch " + over +
                       " (the trace's tokens per expert count the whole batch; mapper.parallel=expert spreads the experts "
                       "instead), got \"" + to_string(op.type) + "\" (op " + op.name + ")");
  // The batch: dimension 0 of the inputs and of everything computed from them. Weights and constants are
  // whole in every share.
  std::vector<bool> batched(graph.tensors.size(), false);
  for (size_t t = 0; t < graph.tensors.size(); ++t) batched[t] = graph.tensors[t].kind == TensorKind::input;
  for (const Op& op : graph.ops) {
    bool any = false;
    for (int t : op.inputs) any = any || batched[size_t(t)];
    for (int t : op.outputs) batched[size_t(t)] = any;
  }
  std::map<std::string, ChipTensor> tensors;
  for (size_t t = 0; t < graph.tensors.size(); ++t) {
    const Tensor& x = graph.tensors[t];
    ChipTensor ct{int(t), x.shape};
    if (batched[t]) {
      if (x.shape.empty() || x.shape[0] % parts != 0)
        throw InputError(file + ": /tensors/" + std::to_string(entry_of(trace, "tensors", x.name)) +
                         "/shape/0: expected a batch that divides " + over + ", got " +
                         (x.shape.empty() ? std::string("a scalar") : std::to_string(x.shape[0])) + " (tensor " + x.name + ")");
      ct.shape[0] /= parts;
    }
    tensors[x.name] = ct;
  }
  return tensors;
}

std::vector<StageOp> whole_graph_ops(const Graph& graph) {
  std::vector<StageOp> ops;
  for (size_t i = 0; i < graph.ops.size(); ++i) {
    StageOp op{int(i), {}, {}};
    for (int t : graph.ops[i].inputs) op.inputs.push_back(graph.tensors[size_t(t)].name);
    for (int t : graph.ops[i].outputs) op.outputs.push_back(graph.tensors[size_t(t)].name);
    ops.push_back(op);
  }
  return ops;
}

SystemWorkload split_data(const SystemConfig& s, const nlohmann::json& trace, const Graph& graph, const std::string& file) {
  const int n = s.num_chips();
  const auto tensors = batch_share(trace, graph, file, n,
                                   "over the " + std::to_string(n) + " chips of " + s.name + " (mapper.parallel=data)");
  const StageTraceBuilder builder(trace, graph, file);
  const auto share = std::make_shared<const Graph>(
      builder.build(whole_graph_ops(graph), tensors, graph.name + ", 1/" + std::to_string(n) + " of the batch"));
  SystemWorkload w;
  w.mode = Parallel::data;
  w.stages.push_back(Stage{std::vector<std::shared_ptr<const Graph>>(size_t(n), share), {}});
  w.notes.push_back("each chip runs 1/" + std::to_string(n) + " of the batch with all the weights; nothing is exchanged");
  return w;
}

}  // namespace tessera::system
