// mapper.parallel=pipeline: consecutive ops on consecutive chips, micro-batches streaming through
// (parallel_split.h).
#include <algorithm>
#include <map>
#include <set>

#include "sim/base/errors.h"
#include "sim/system/fabric_routing.h"
#include "sim/system/parallel_split.h"
#include "sim/system/stage_traces.h"
#include "sim/workload/op_shapes.h"

namespace tessera::system {

SystemWorkload split_pipeline(const SystemConfig& s, const nlohmann::json& trace, const Graph& graph, const std::string& file) {
  const int n = s.num_chips();
  bool moe = false;
  int64_t batch = 1;
  for (const Op& op : graph.ops) moe = moe || op.type == OpType::moe_dispatch || op.type == OpType::moe_topk;
  for (const Tensor& t : graph.tensors)
    if (t.kind == TensorKind::input && !t.shape.empty()) batch = std::max(batch, t.shape[0]);
  const int microbatches = moe ? 1 : int(batch);
  const auto tensors =
      batch_share(trace, graph, file, microbatches, 0, "into micro-batches of one sample (mapper.parallel=pipeline)").tensors;
  if (int(graph.ops.size()) < n)
    throw InputError(file + ": /ops: expected at least one op per chip of " + s.name + " (" + std::to_string(n) +
                     ") for mapper.parallel=pipeline, got " + std::to_string(graph.ops.size()));
  // Cut the ops, in order, where their cumulative MACs cross c/N of the total; at least one op per part.
  double total = 0;
  std::vector<double> macs;
  for (const Op& op : graph.ops) macs.push_back(double(op_macs(graph, op))), total += macs.back();
  std::vector<int> part(graph.ops.size(), 0);
  double before = 0;
  for (size_t i = 1; i < graph.ops.size(); ++i) {
    before += macs[i - 1];
    const int wanted = total > 0 ? int((before + macs[i] / 2) / total * n) : int(i * size_t(n) / graph.ops.size());
    const int must = n - int(graph.ops.size() - i);  // leaves one op for every later part
    part[i] = std::min({n - 1, part[i - 1] + 1, std::max({part[i - 1], wanted, must})});
  }
  const std::vector<int> devices = snake_devices(s, n, false, file);
  std::vector<std::vector<StageOp>> ops(static_cast<size_t>(n));
  const auto all = whole_graph_ops(graph);
  for (size_t i = 0; i < all.size(); ++i) ops[size_t(part[i])].push_back(all[i]);
  // What each later part reads of an earlier one: one send per pair of parts and micro-batch.
  std::map<std::pair<int, int>, uint64_t> sent;
  std::map<std::pair<int, int>, std::string> names;
  for (size_t t = 0; t < graph.tensors.size(); ++t) {
    const Tensor& x = graph.tensors[t];
    if (x.producer < 0) continue;
    std::set<int> readers;
    for (int c : x.consumers)
      if (part[size_t(c)] != part[size_t(x.producer)]) readers.insert(part[size_t(c)]);
    for (int r : readers) {
      const auto key = std::make_pair(part[size_t(x.producer)], r);
      sent[key] += tensor_bytes(x, tensors.at(x.name).shape, s.chips[0].mapper.default_format);
      names[key] += (names[key].empty() ? "" : ", ") + x.name;
    }
  }
  const StageTraceBuilder builder(trace, graph, file);
  SystemWorkload w;
  w.mode = Parallel::pipeline;
  Pipeline p;
  p.microbatches = microbatches;
  p.device_of_stage = devices;
  for (int c = 0; c < n; ++c) {
    Stage st;
    st.chips.resize(size_t(n));
    st.chips[size_t(devices[size_t(c)])] = std::make_shared<const Graph>(builder.build(
        ops[size_t(c)], tensors, graph.name + ", pipeline stage " + std::to_string(c) + " of " + std::to_string(n)));
    w.stages.push_back(std::move(st));
  }
  for (const auto& [key, bytes] : sent) {
    Collective send = system_collective(s, CollectiveOp::send_recv, bytes, s.chips[0].mapper.default_format,
                                        file + ": pipeline stage " + std::to_string(key.first));
    send.chips = 2;
    send.topology = Topology1d::line;
    send.devices = {devices[size_t(key.first)], devices[size_t(key.second)]};
    const int links = int(links_between(s, send.devices[0], send.devices[1]).size());
    send.links = std::max(1, links);
    p.sends.push_back({key.first, key.second, {send, names[key], "stage " + std::to_string(key.second) + " reads it"}});
  }
  w.pipeline = p;
  w.notes.push_back(std::to_string(graph.ops.size()) + " ops cut into " + std::to_string(n) +
                    " stages of about equal MACs, one per chip along the system's snake; " + std::to_string(microbatches) +
                    (microbatches > 1 ? " micro-batches stream" : " micro-batch streams") + " through; " + std::to_string(p.sends.size()) +
                    " sends per micro-batch between stages");
  return w;
}

}  // namespace tessera::system
