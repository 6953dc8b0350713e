#include "sim/mapper/op_by_op_rules.h"

#include <algorithm>

namespace tessera {

namespace {

bool is_conv(OpType t) { return t == OpType::conv2d || t == OpType::conv_transpose2d; }
bool is_matrix(OpType t) { return is_conv(t) || t == OpType::matmul; }

// tt-metal's CNN demos (ResNet-50, MobileNetV2, YOLOv6-L) give every conv the same three settings: weights
// in BFLOAT8_B, the output in BFLOAT8_B, LoFi. ResNet-50's classifier (a linear) takes the output format
// and the fidelity, but its weight keeps ttnn's default preprocessing format (bf16).
constexpr DataFormat kCnnWeights = DataFormat::bfp8;
constexpr DataFormat kCnnOutputs = DataFormat::bfp8;
constexpr Fidelity kCnnFidelity = Fidelity::lofi;

// The input whose format an op that is neither a conv nor a matmul writes its output in: its first
// activation (or network input); ttnn ops keep their input's data type unless told otherwise.
int format_source(const Graph& g, const Op& op) {
  for (int t : op.inputs) {
    const TensorKind k = g.tensors[size_t(t)].kind;
    if (k == TensorKind::activation || k == TensorKind::input) return t;
  }
  return -1;
}

}  // namespace

bool op_by_op_rules_apply(const MapperConfig& mapper, const Graph& graph) {
  if (mapper.schedule != Schedule::op_by_op) return false;
  switch (mapper.op_by_op_rules) {
    case OpByOpRules::trace: return false;
    case OpByOpRules::tt_metal_cnn:
      return std::any_of(graph.ops.begin(), graph.ops.end(), [](const Op& op) { return is_conv(op.type); });
  }
  return false;
}

FormatChoices choose_formats(const MapperConfig& mapper, const Graph& graph) {
  const bool cnn = op_by_op_rules_apply(mapper, graph);
  FormatChoices c;
  c.tensor_format.assign(graph.tensors.size(), mapper.default_format);
  c.op_fidelity.assign(graph.ops.size(), mapper.default_fidelity);
  c.op_rule.assign(graph.ops.size(), "");
  std::vector<bool> set_by_rule(graph.tensors.size(), false);

  // Tensors nobody computes: the trace's format, BFP8 for a conv's weight under the rule.
  for (size_t t = 0; t < graph.tensors.size(); ++t) {
    const Tensor& tensor = graph.tensors[t];
    if (tensor.producer >= 0) continue;
    if (tensor.format) {
      c.tensor_format[t] = *tensor.format;
      continue;
    }
    if (!cnn || tensor.kind != TensorKind::weight) continue;
    for (int consumer : tensor.consumers) {
      const Op& op = graph.ops[size_t(consumer)];
      if (is_conv(op.type) && op.inputs.size() > 1 && op.inputs[1] == int(t)) {
        c.tensor_format[t] = kCnnWeights;
        set_by_rule[t] = true;
      }
    }
  }

  // Ops in topological order, so that an op's inputs are decided before its outputs.
  for (size_t i = 0; i < graph.ops.size(); ++i) {
    const Op& op = graph.ops[i];
    std::vector<std::string> parts;
    if (op.fidelity) c.op_fidelity[i] = *op.fidelity;
    else if (cnn && is_matrix(op.type)) {
      c.op_fidelity[i] = kCnnFidelity;
      parts.push_back(std::string(to_string(kCnnFidelity)));
    }
    if (cnn && is_conv(op.type) && op.inputs.size() > 1 && set_by_rule[size_t(op.inputs[1])])
      parts.push_back(std::string(to_string(kCnnWeights)) + " weights");
    for (int t : op.outputs) {
      const Tensor& tensor = graph.tensors[size_t(t)];
      if (tensor.format) c.tensor_format[size_t(t)] = *tensor.format;
      else if (op.format) c.tensor_format[size_t(t)] = *op.format;
      else if (cnn && is_matrix(op.type)) {
        c.tensor_format[size_t(t)] = kCnnOutputs;
        set_by_rule[size_t(t)] = true;
        parts.push_back(std::string(to_string(kCnnOutputs)) + " output");
      } else if (cnn) {
        const int source = format_source(graph, op);
        if (source >= 0 && set_by_rule[size_t(source)]) {
          c.tensor_format[size_t(t)] = c.tensor_format[size_t(source)];
          set_by_rule[size_t(t)] = true;
          parts.push_back(std::string(to_string(c.tensor_format[size_t(t)])) + " output, as its input");
        }
      }
    }
    // One entry per output would repeat itself: an op has one output in every rule above.
    parts.erase(std::unique(parts.begin(), parts.end()), parts.end());
    std::string rule;
    for (const std::string& p : parts) rule += (rule.empty() ? "" : ", ") + p;
    if (!rule.empty()) c.op_rule[i] = std::string(to_string(mapper.op_by_op_rules)) + ": " + rule;
  }
  return c;
}

}  // namespace tessera
