// One chip's share of a trace's batch (stage_traces.h): the tensors at 1/N of the batch, and an MoE
// layer's token counts dealt over the chips.
#include <algorithm>

#include "sim/base/errors.h"
#include "sim/system/stage_traces.h"

namespace tessera::system {
namespace {

size_t entry_of(const nlohmann::json& trace, const std::string& key, const std::string& name) {
  for (size_t i = 0; i < trace[key].size(); ++i)
    if (trace[key][i].value("name", "") == name) return i;
  return 0;
}

bool elementwise(OpType t) { return t == OpType::add || t == OpType::sub || t == OpType::mul || t == OpType::div; }

std::vector<int64_t> counts_of(const Op& op) {
  std::vector<int64_t> n = op.attrs.value("tokens_per_expert", std::vector<int64_t>{});
  n.push_back(op.attrs.value("dropped_tokens", int64_t(0)));
  return n;
}

}  // namespace

std::vector<std::vector<int64_t>> deal_rows(const std::vector<int64_t>& counts, int parts) {
  std::vector<std::vector<int64_t>> out(size_t(parts), std::vector<int64_t>(counts.size(), 0));
  int next = 0;  // the chip the next remainder row goes to
  for (size_t e = 0; e < counts.size(); ++e) {
    for (int p = 0; p < parts; ++p) out[size_t(p)][e] = counts[e] / parts;
    for (int64_t r = 0; r < counts[e] % parts; ++r, next = (next + 1) % parts) ++out[size_t(next)][e];
  }
  return out;
}

BatchShare batch_share(const nlohmann::json& trace, const Graph& graph, const std::string& file, int parts, int part,
                       const std::string& over) {
  // The batch: dimension 0 of the inputs (those that have the largest one; an input of 1 row among inputs
  // of many is broadcast, like T5's position bias) and of everything computed from them, and of a constant
  // combined element-wise with such a tensor whose dimension 0 is the same (a per-sequence mask or rotary
  // table).
  int64_t batch = 0;
  for (const Tensor& t : graph.tensors)
    if (t.kind == TensorKind::input && !t.shape.empty()) batch = std::max(batch, t.shape[0]);
  std::vector<bool> batched(graph.tensors.size(), false), fixed_rows(graph.tensors.size(), false);
  for (size_t t = 0; t < graph.tensors.size(); ++t) {
    const Tensor& x = graph.tensors[t];
    batched[t] = x.kind == TensorKind::input && (x.shape.empty() || x.shape[0] == batch || batch == 1);
  }
  for (int pass = 0; pass < 2; ++pass)
    for (const Op& op : graph.ops) {
      bool any = false;
      for (int t : op.inputs) any = any || (batched[size_t(t)] && !fixed_rows[size_t(t)]);
      if (any && elementwise(op.type)) {
        const Tensor& out = graph.tensors[size_t(op.outputs[0])];
        for (int t : op.inputs) {
          const Tensor& x = graph.tensors[size_t(t)];
          if (x.producer < 0 && x.shape.size() == out.shape.size() && x.shape[0] == out.shape[0] && x.shape[0] > 1)
            batched[size_t(t)] = true;
        }
      }
      for (int t : op.outputs) batched[size_t(t)] = any;
      // An MoE dispatch gives each expert its routed rows: dealt over the chips, not divided by them.
      if (op.type == OpType::moe_dispatch)
        for (int t : op.outputs) fixed_rows[size_t(t)] = any;
      else if (op.type != OpType::moe_combine)
        for (int t : op.inputs)
          if (fixed_rows[size_t(t)])
            for (int u : op.outputs) fixed_rows[size_t(u)] = true;
    }
  BatchShare share;
  std::map<std::string, int64_t> rows;  // tensors whose dimension 0 is an expert's dealt rows
  for (size_t i = 0; i < graph.ops.size(); ++i) {
    const Op& op = graph.ops[i];
    if (op.type != OpType::moe_dispatch && op.type != OpType::moe_combine) continue;
    if (parts == 1) break;
    const std::vector<int64_t> dealt = deal_rows(counts_of(op), parts)[size_t(part)];
    nlohmann::json attrs = op.attrs;
    attrs["tokens_per_expert"] = std::vector<int64_t>(dealt.begin(), dealt.end() - 1);
    if (attrs.contains("dropped_tokens")) attrs["dropped_tokens"] = dealt.back();
    share.attrs[int(i)] = attrs;
    const std::vector<int>& experts = op.type == OpType::moe_dispatch ? op.outputs : op.inputs;
    for (size_t e = 0; e + 1 < dealt.size() && e < experts.size(); ++e) rows[graph.tensors[size_t(experts[e])].name] = dealt[e];
  }
  for (const Op& op : graph.ops) {  // an expert's ops keep the rows of its dispatched tokens
    if (op.type == OpType::moe_dispatch || op.type == OpType::moe_combine) continue;
    for (int t : op.inputs)
      if (auto it = rows.find(graph.tensors[size_t(t)].name); it != rows.end())
        for (int u : op.outputs) rows.emplace(graph.tensors[size_t(u)].name, it->second);
  }
  for (size_t t = 0; t < graph.tensors.size(); ++t) {
    const Tensor& x = graph.tensors[t];
    ChipTensor ct{int(t), x.shape};
    if (auto it = rows.find(x.name); it != rows.end()) {
      ct.shape[0] = it->second;
    } else if (batched[t] && !fixed_rows[t]) {
      if (x.shape.empty() || x.shape[0] % parts != 0)
        throw InputError(file + ": /tensors/" + std::to_string(entry_of(trace, "tensors", x.name)) +
                         "/shape/0: expected a batch that divides " + over + ", got " +
                         (x.shape.empty() ? std::string("a scalar") : std::to_string(x.shape[0])) + " (tensor " + x.name + ")");
      ct.shape[0] /= parts;
    }
    share.tensors[x.name] = ct;
  }
  return share;
}

std::vector<StageOp> whole_graph_ops(const Graph& graph) {
  std::vector<StageOp> ops;
  for (size_t i = 0; i < graph.ops.size(); ++i) {
    StageOp op{int(i), {}, {}, {}};
    for (int t : graph.ops[i].inputs) op.inputs.push_back(graph.tensors[size_t(t)].name);
    for (int t : graph.ops[i].outputs) op.outputs.push_back(graph.tensors[size_t(t)].name);
    ops.push_back(op);
  }
  return ops;
}

}  // namespace tessera::system
