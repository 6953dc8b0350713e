// mapper.parallel=data: every chip runs the whole graph on 1/N of the batch (parallel_split.h).
#include "sim/system/parallel_split.h"
#include "sim/system/stage_traces.h"

namespace tessera::system {

SystemWorkload split_data(const SystemConfig& s, const nlohmann::json& trace, const Graph& graph, const std::string& file) {
  const int n = s.num_chips();
  const std::string over = "over the " + std::to_string(n) + " chips of " + s.name + " (mapper.parallel=data)";
  const StageTraceBuilder builder(trace, graph, file);
  SystemWorkload w;
  w.mode = Parallel::data;
  w.stages.emplace_back();
  // Chips whose shares are alike (no MoE layer, or its token counts dealt alike) share one graph.
  std::map<std::string, std::shared_ptr<const Graph>> alike;
  for (int c = 0; c < n; ++c) {
    const BatchShare share = batch_share(trace, graph, file, n, c, over);
    std::vector<StageOp> ops = whole_graph_ops(graph);
    std::string key;
    for (const auto& [op, attrs] : share.attrs) ops[size_t(op)].attrs = attrs, key += attrs.dump();
    auto& g = alike[key];
    if (!g) g = std::make_shared<const Graph>(builder.build(ops, share.tensors, graph.name + ", 1/" + std::to_string(n) +
                                                                               " of the batch"));
    w.stages[0].chips.push_back(g);
  }
  w.notes.push_back("each chip runs 1/" + std::to_string(n) + " of the batch with all the weights" +
                    std::string(alike.size() > 1 ? " (an MoE layer's routed tokens dealt over the chips)" : "") +
                    "; nothing is exchanged");
  return w;
}

}  // namespace tessera::system
