// tessera trace-info: what a trace holds, as a table or as JSON for scripts and tests.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>

#include "sim/app/cli_support.h"
#include "sim/app/commands.h"
#include "sim/workload/op_shapes.h"
#include "sim/workload/trace_reader.h"

namespace tessera::app {

int trace_info_command(int argc, char** argv) {
  return guarded("trace-info", [&] {
    po::options_description options("tessera trace-info options");
    options.add_options()("help,h", "show this help")
        ("trace", po::value<std::string>()->required(), "workload trace (JSON)")
        ("json", "print {\"ops\": [...]} as JSON");
    po::positional_options_description positional;
    positional.add("trace", 1);
    po::variables_map vm;
    if (!parse_options(argc, argv, options, &positional, vm, "usage: tessera trace-info TRACE [--json]")) return 0;
    const Graph g = read_trace(vm["trace"].as<std::string>());
    int64_t total_macs = 0, total_params = 0, activation_bytes = 0, weight_bytes = 0;
    std::map<std::string, int> counts;
    nlohmann::json ops = nlohmann::json::array();
    for (const Op& op : g.ops) {
      const int64_t macs = op_macs(g, op), params = op_params(g, op);
      total_macs += macs;
      total_params += params;
      ++counts[to_string(op.type)];
      nlohmann::json j = {{"name", op.name}, {"type", to_string(op.type)}, {"macs", macs}, {"params", params}};
      j["input_shapes"] = nlohmann::json::array();
      for (int t : op.inputs) j["input_shapes"].push_back(g.tensors[t].shape);
      j["output_shapes"] = nlohmann::json::array();
      for (int t : op.outputs) j["output_shapes"].push_back(g.tensors[t].shape);
      if (op.type == OpType::conv2d || op.type == OpType::conv_transpose2d) {
        const ConvGeometry c = conv_geometry(g, op);
        j["kernel"] = {c.kh, c.kw};
        j["stride"] = {c.sh, c.sw};
        j["padding"] = {c.pad_top, c.pad_left, c.pad_bottom, c.pad_right};
        j["groups"] = c.groups;
      }
      if (op.cores > 0) j["cores"] = op.cores;
      if (const auto& m = g.output(op).memory) j["output_memory"] = describe(*m);
      if (op.metadata.contains("measured_ns")) j["measured_ns"] = op.metadata["measured_ns"];
      ops.push_back(j);
    }
    // Version 2: where tensors live between ops and how many cores the ops ran on, as the trace says.
    std::map<std::string, int> memories;
    for (const Tensor& t : g.tensors)
      if (t.memory) ++memories[std::string(to_string(t.memory->buffer)) + " " + to_string(t.memory->layout)];
    int with_cores = 0, fewest = 0, most = 0;
    for (const Op& op : g.ops)
      if (op.cores > 0) {
        fewest = with_cores++ ? std::min(fewest, op.cores) : op.cores;
        most = std::max(most, op.cores);
      }
    for (const Tensor& t : g.tensors) {
      const int64_t bytes = int64_t(t.elements() * bytes_per_element(t.format.value_or(DataFormat::bf16)));
      (t.kind == TensorKind::weight || t.kind == TensorKind::constant ? weight_bytes : activation_bytes) += bytes;
    }
    if (vm.count("json")) {
      nlohmann::json out = {{"name", g.name}, {"ops", ops}, {"macs", total_macs}, {"params", total_params}};
      std::cout << out.dump(1) << "\n";
      return 0;
    }
    std::printf("trace        %s\n", g.name.c_str());
    if (!g.description.empty()) std::printf("             %s\n", g.description.c_str());
    std::printf("ops          %zu\n", g.ops.size());
    for (const auto& [type, n] : counts) std::printf("  %-18s %6d\n", type.c_str(), n);
    std::printf("MACs         %lld (%.2f GFLOPs at 2 FLOPs per MAC)\n", (long long)total_macs, 2e-9 * double(total_macs));
    std::printf("params       %lld\n", (long long)total_params);
    std::printf("tensors      %zu: weights and constants %.2f MB, inputs and activations %.2f MB (bf16 unless the trace says)\n",
                g.tensors.size(), weight_bytes / 1e6, activation_bytes / 1e6);
    if (!memories.empty()) {
      std::string list;
      for (const auto& [where, n] : memories) list += (list.empty() ? "" : ", ") + where + " " + std::to_string(n);
      std::printf("memory       tensors with a memory config: %s\n", list.c_str());
    }
    if (with_cores) std::printf("cores        %d ops say how many cores they ran on: %d to %d\n", with_cores, fewest, most);
    return 0;
  });
}

}  // namespace tessera::app
