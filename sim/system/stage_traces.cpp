#include "sim/system/stage_traces.h"

#include <cmath>
#include <set>

#include "sim/base/errors.h"
#include "sim/workload/trace_reader.h"

namespace tessera::system {

StageTraceBuilder::StageTraceBuilder(const nlohmann::json& trace, const Graph& graph, const std::string& file)
    : trace_(trace), graph_(graph), file_(file) {
  for (size_t i = 0; i < trace["ops"].size(); ++i) op_entry_[trace["ops"][i].value("name", "")] = i;
  for (size_t i = 0; i < trace["tensors"].size(); ++i) tensor_entry_[trace["tensors"][i].value("name", "")] = i;
}

Graph StageTraceBuilder::build(const std::vector<StageOp>& ops, const std::map<std::string, ChipTensor>& tensors,
                               const std::string& label) const {
  if (ops.empty()) return Graph{};
  std::set<std::string> produced;
  for (const StageOp& op : ops)
    for (const auto& name : op.outputs) produced.insert(name);
  nlohmann::json out = {{"format", "tessera-trace"}, {"version", trace_.value("version", 1)},
                        {"name", trace_.value("name", graph_.name)}, {"description", label},
                        {"tensors", nlohmann::json::array()}, {"ops", nlohmann::json::array()}};
  std::set<std::string> listed;
  auto list_tensor = [&](const std::string& name) {
    if (!listed.insert(name).second) return;
    const ChipTensor& ct = tensors.at(name);
    nlohmann::json t = trace_["tensors"][tensor_entry_.at(graph_.tensors[size_t(ct.origin)].name)];
    t["name"] = name;
    t["shape"] = ct.shape;
    const TensorKind kind = graph_.tensors[size_t(ct.origin)].kind;
    if (produced.count(name)) t.erase("kind");
    else if (kind == TensorKind::activation || kind == TensorKind::input) t["kind"] = "input";
    out["tensors"].push_back(t);
  };
  for (const StageOp& op : ops) {
    for (const auto& name : op.inputs) list_tensor(name);
    for (const auto& name : op.outputs) list_tensor(name);
    nlohmann::json o = trace_["ops"][op_entry_.at(graph_.ops[size_t(op.op)].name)];
    if (!op.attrs.is_null()) o["attrs"] = op.attrs;
    o["inputs"] = op.inputs;
    o["outputs"] = op.outputs;
    out["ops"].push_back(o);
  }
  try {
    return parse_trace(out, label);
  } catch (const InputError& e) {
    throw InputError(file_ + ": the mapper could not split this trace (" + label + "): " + e.what());
  }
}

uint64_t tensor_bytes(const Tensor& t, const std::vector<int64_t>& shape, DataFormat default_format) {
  int64_t elements = 1;
  for (int64_t d : shape) elements *= d;
  return uint64_t(std::ceil(double(elements) * bytes_per_element(t.format.value_or(default_format))));
}

}  // namespace tessera::system
