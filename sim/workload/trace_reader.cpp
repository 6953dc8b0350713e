#include "sim/workload/trace_reader.h"

#include <algorithm>
#include <functional>
#include <queue>
#include <stdexcept>

#include "sim/base/errors.h"
#include "sim/config/config_loader.h"
#include "sim/config/json_reader.h"
#include "sim/workload/op_shapes.h"
#include "sim/workload/trace_v2_keys.h"

namespace tessera {
namespace {

const char* const kDocs = "docs/trace-format.md";
const std::vector<std::string> kFormats = {"fp32", "bf16", "fp16", "bfp8", "bfp4", "bfp2"};
const std::vector<std::string> kFidelities = {"lofi", "hifi2", "hifi3", "hifi4"};

// Keys a version-1 trace may not use: refused with a message that names the version they need.
void refuse_newer_keys(const ObjectReader& r, const Json& object, int version, std::initializer_list<const char*> keys) {
  if (version >= 2) return;
  for (const char* key : keys)
    if (r.has(key)) r.fail(key, "no \"" + std::string(key) + "\" in a version-1 trace (it needs \"version\": 2)", object[key]);
}

Tensor parse_tensor(ObjectReader r, const Json& object, int version) {
  Tensor t;
  t.name = r.string("name", "");
  if (t.name.empty()) r.fail("name", "a non-empty tensor name", r.required_value("name"));
  const Json& shape = r.required_value("shape");
  if (!shape.is_array()) r.fail("shape", "an array of non-negative integers", shape);
  if (shape.size() > kMaxRank) r.fail("shape", "at most " + std::to_string(kMaxRank) + " dimensions", shape);
  uint64_t elements = 1;
  for (const auto& d : shape) {
    int64_t n = 0;
    if (!d.is_number_integer() || !whole_number_in(d, 0, kMaxTensorElements, &n))
      r.fail("shape", "an array of integers in [0, 2^32]", shape);
    t.shape.push_back(n);
    // Checked as it grows: each factor is at most 2^32, so the product of two never overflows 64 bits.
    elements = elements * uint64_t(n);
    if (elements > uint64_t(kMaxTensorElements))
      r.fail("shape", "a tensor of at most 2^32 elements (what Tessera simulates)", shape);
  }
  const std::string kind = r.one_of("kind", {"input", "weight", "constant", "activation"}, "activation");
  t.kind = kind == "input" ? TensorKind::input : kind == "weight" ? TensorKind::weight
           : kind == "constant" ? TensorKind::constant : TensorKind::activation;
  if (r.has("format")) t.format = parse_data_format(r.one_of("format", kFormats, "bf16"));
  if (r.has("density")) t.density = r.number_in("density", 0, 1, 1.0);
  t.zero_tiles = r.number_in("zero_tiles", 0, 1, 0.0);
  refuse_newer_keys(r, object, version, {"memory", "layout", "device_shape"});
  read_tensor_v2_keys(r, t);
  r.reject_unknown_keys();
  return t;
}

std::vector<int> tensor_refs(ObjectReader& r, const std::string& key, const Graph& g, const std::string& op_label) {
  const Json& list = r.required_value(key);
  if (!list.is_array()) r.fail(key, "an array of tensor names", list);
  std::vector<int> out;
  for (size_t i = 0; i < list.size(); ++i) {
    if (!list[i].is_string()) r.fail(key, "an array of tensor names", list);
    auto it = g.tensor_index.find(list[i].get<std::string>());
    if (it == g.tensor_index.end())
      throw input_error(r.file(), r.path_of(key) + "/" + std::to_string(i),
                        op_label + "expected a tensor declared in /tensors, got unknown tensor " + list[i].dump());
    out.push_back(it->second);
  }
  return out;
}

// Orders ops so that every producer comes before its consumers; a leftover op sits on a cycle. Version 1
// takes ready ops first come, first served; version 2 always the earliest ready op in the trace, which keeps
// the trace's own order when it is already topological (a profile lists ops in the order they ran).
std::vector<int> topological_order(const Graph& g, const std::string& label, bool keep_trace_order) {
  std::vector<int> waiting(g.ops.size(), 0), order;
  for (size_t i = 0; i < g.ops.size(); ++i)
    for (int t : g.ops[i].inputs) if (g.tensors[t].producer >= 0) ++waiting[i];
  if (keep_trace_order) {
    std::priority_queue<int, std::vector<int>, std::greater<int>> ready;
    for (size_t i = 0; i < g.ops.size(); ++i) if (waiting[i] == 0) ready.push(int(i));
    while (!ready.empty()) {
      order.push_back(ready.top());
      ready.pop();
      for (int t : g.ops[order.back()].outputs)
        for (int c : g.tensors[t].consumers)
          if (--waiting[c] == 0) ready.push(c);
    }
  } else {
    for (size_t i = 0; i < g.ops.size(); ++i) if (waiting[i] == 0) order.push_back(int(i));
    for (size_t head = 0; head < order.size(); ++head)
      for (int t : g.ops[order[head]].outputs)
        for (int c : g.tensors[t].consumers)
          if (--waiting[c] == 0) order.push_back(c);
  }
  if (order.size() != g.ops.size()) {
    // Every op left waits on another left op; walking back through the producers from any of them must
    // come round to an op already seen, and the ops from there on are the cycle.
    int op = 0;
    while (waiting[op] == 0) ++op;
    std::vector<int> path;
    std::vector<int> position(g.ops.size(), -1);
    while (position[op] < 0) {
      position[op] = int(path.size());
      path.push_back(op);
      for (int t : g.ops[op].inputs) {
        const int p = g.tensors[t].producer;
        if (p >= 0 && waiting[p] > 0) { op = p; break; }
      }
    }
    // In data-flow order, starting from the op that comes first in the trace.
    std::vector<int> cycle(path.rbegin(), path.rend() - position[op]);
    std::rotate(cycle.begin(), std::min_element(cycle.begin(), cycle.end()), cycle.end());
    std::string names;
    for (int c : cycle) names += g.ops[c].name + " -> ";
    names += g.ops[cycle.front()].name;
    throw input_error(label, "/ops/" + std::to_string(cycle.front()),
                      "(" + g.ops[cycle.front()].name + ") expected an acyclic graph, but this op depends on its own output: " +
                          names);
  }
  return order;
}

// A rank-4 tensor of a conv net is an image ([N, C, H, W], held channels-last) unless its device shape says
// otherwise. The device holds an image as [1, 1, rows, C] (tt-metal's flattened channels-last view; a halo's
// rows are more or fewer than N*H*W) or as [N, H, W, C]; a device shape that is the tensor's own shape with
// its last two dimensions padded (to tiles) means plain row-major, the last dimension the columns.
bool held_channels_last(const Tensor& t) {
  if (t.device_shape.size() != 4) return true;
  const auto& s = t.shape;
  const auto& d = t.device_shape;
  const bool own = d[0] == s[0] && d[1] == s[1] && d[2] >= s[2] && d[3] >= s[3];
  const bool flat = d[0] == 1 && d[1] == 1 && d[3] >= s[1];
  const bool nhwc = d[0] >= s[0] && d[1] >= s[2] && d[2] >= s[3] && d[3] >= s[1];
  return !own && (flat || nhwc);
}

// Whether the device shape alone says a rank-4 tensor is an image held channels-last: [1, 1, >= N*H*W, C]
// or [N, H, W, C] (W padded to a tile in tile layout), C padded by less than a tile. An op cut out of a
// conv net's profile has no conv to say so, but its tensors are still the net's.
bool device_holds_image(const Tensor& t) {
  if (t.device_shape.size() != 4 || t.shape.size() != 4) return false;
  const auto& s = t.shape;
  const auto& d = t.device_shape;
  const bool channels = d[3] >= s[1] && d[3] < s[1] + 32;
  const bool flat = d[0] == 1 && d[1] == 1 && d[2] >= s[0] * s[2] * s[3];
  const bool nhwc = d[0] == s[0] && d[1] == s[2] && d[2] >= s[3] && d[2] < s[3] + 32;
  return channels && (flat || nhwc) && held_channels_last(t);
}

// A graph without convs holds its rank-4 tensors as images only when every one the device shapes describe
// is one: an op must not see its input as an image and its output as a matrix.
bool device_shapes_say_images(const Graph& g) {
  bool any = false;
  for (const Tensor& t : g.tensors) {
    if (t.shape.size() != 4 || t.device_shape.size() != 4) continue;
    if (!device_holds_image(t)) return false;
    any = true;
  }
  return any;
}

}  // namespace

Graph parse_trace(const Json& trace, const std::string& label) {
  ObjectReader top(trace, label, "", kDocs);
  const std::string format = top.string("format", "");
  if (format != "tessera-trace") top.fail("format", "\"tessera-trace\"", trace.value("format", Json()));
  const Json& version = top.required_value("version");
  int64_t version_number = 0;
  if (!version.is_number_integer() || !whole_number_in(version, kOldestTraceVersion, kTraceVersion, &version_number))
    top.fail("version", "trace format version " + std::to_string(kOldestTraceVersion) + " or " + std::to_string(kTraceVersion), version);
  Graph g;
  g.version = int(version_number);
  g.name = top.string("name", "");
  if (g.name.empty()) top.fail("name", "a non-empty workload name", trace.value("name", Json()));
  g.description = top.string("description", "");
  if (const Json* m = top.optional_value("metadata")) {
    if (!m->is_object()) top.fail("metadata", "an object", *m);
    g.metadata = *m;
  }

  const Json& tensors = top.required_value("tensors");
  if (!tensors.is_array()) top.fail("tensors", "an array of tensors", tensors);
  for (size_t i = 0; i < tensors.size(); ++i) {
    Tensor t = parse_tensor(ObjectReader(tensors[i], label, "/tensors/" + std::to_string(i), kDocs), tensors[i], g.version);
    if (!g.tensor_index.emplace(t.name, int(i)).second)
      throw input_error(label, "/tensors/" + std::to_string(i) + "/name", "expected a unique name, got \"" + t.name + "\" twice");
    g.tensors.push_back(std::move(t));
  }

  const Json& ops = top.required_value("ops");
  if (!ops.is_array()) top.fail("ops", "an array of ops", ops);
  std::map<std::string, int> op_names;
  std::vector<Op> parsed;
  for (size_t i = 0; i < ops.size(); ++i) {
    ObjectReader r(ops[i], label, "/ops/" + std::to_string(i), kDocs);
    Op op;
    op.name = r.string("name", "");
    if (op.name.empty()) r.fail("name", "a non-empty op name", ops[i].value("name", Json()));
    const std::string op_label = "(" + op.name + ") ";
    if (!op_names.emplace(op.name, int(i)).second)
      throw input_error(label, r.path_of("name"), "expected a unique op name, got \"" + op.name + "\" twice");
    const std::string type = r.string("type", "");
    auto parsed_type = parse_op_type(type);
    if (!parsed_type)
      throw input_error(label, r.path_of("type"), op_label + "expected a known op type (see docs/trace-format.md), got \"" + type + "\"");
    op.type = *parsed_type;
    op.inputs = tensor_refs(r, "inputs", g, op_label);
    op.outputs = tensor_refs(r, "outputs", g, op_label);
    if (op.outputs.empty()) r.fail("outputs", "at least one output tensor", ops[i]["outputs"]);
    if (const Json* a = r.optional_value("attrs")) {
      if (!a->is_object()) r.fail("attrs", "an object", *a);
      op.attrs = *a;
    }
    if (r.has("format")) op.format = parse_data_format(r.one_of("format", kFormats, "bf16"));
    if (r.has("fidelity")) op.fidelity = parse_fidelity(r.one_of("fidelity", kFidelities, "hifi2"));
    op.group = r.string("group", "");
    refuse_newer_keys(r, ops[i], g.version, {"cores", "core_grid", "program", "metadata"});
    read_op_v2_keys(r, op, op_label);
    r.reject_unknown_keys();
    for (size_t k = 0; k < op.outputs.size(); ++k) {
      Tensor& t = g.tensors[op.outputs[k]];
      if (t.kind != TensorKind::activation)
        throw input_error(label, r.path_of("outputs") + "/" + std::to_string(k),
                          op_label + "expected an activation tensor, but \"" + t.name + "\" is declared as an input, weight or constant");
      if (t.producer >= 0)
        throw input_error(label, r.path_of("outputs") + "/" + std::to_string(k),
                          op_label + "expected each tensor produced once, but \"" + t.name + "\" is also produced by " +
                              parsed[t.producer].name);
      t.producer = int(i);
    }
    for (int t : op.inputs) g.tensors[t].consumers.push_back(int(i));
    parsed.push_back(std::move(op));
  }
  for (size_t i = 0; i < g.tensors.size(); ++i)
    if (g.tensors[i].kind == TensorKind::activation && g.tensors[i].producer < 0)
      throw input_error(label, "/tensors/" + std::to_string(i),
                        "expected activation \"" + g.tensors[i].name + "\" to be produced by an op (or declare kind \"input\", \"weight\" or \"constant\")");
  g.ops = parsed;
  top.reject_unknown_keys();

  // Shapes are checked in the order the ops appear, so the first message is about the first bad op.
  int64_t total_macs = 0;
  for (size_t i = 0; i < g.ops.size(); ++i) {
    const Op& op = g.ops[i];
    const std::string where = "/ops/" + std::to_string(i);
    std::vector<Shape> expected;
    try {
      expected = infer_output_shapes(g, op);
      total_macs += op_macs(g, op);  // each op's count is checked; 2^13 ops of 2^50 still fit 64 bits
      if (total_macs > (int64_t(1) << 56)) throw std::invalid_argument("the workload exceeds 2^56 MACs");
    } catch (const std::invalid_argument& e) {
      throw input_error(label, where, "(" + op.name + ") " + e.what());
    }
    if (expected.size() != op.outputs.size())
      throw input_error(label, where + "/outputs", "(" + op.name + ") expected " + std::to_string(expected.size()) +
                                                       " outputs for " + to_string(op.type) + ", got " + std::to_string(op.outputs.size()));
    for (size_t k = 0; k < expected.size(); ++k)
      if (g.output(op, k).shape != expected[k])
        throw input_error(label, where, "(" + op.name + ") " + to_string(op.type) + " output shape " +
                                            shape_text(g.output(op, k).shape) + " does not match inputs: expected " +
                                            shape_text(expected[k]));
  }

  // Conv nets hold their rank-4 activations channels-last; graphs without convs are plain row-major unless
  // the device shapes say otherwise.
  bool has_images = false;
  for (const Op& op : g.ops)
    has_images = has_images || op.type == OpType::conv2d || op.type == OpType::conv_transpose2d ||
                 op.type == OpType::maxpool2d || op.type == OpType::avgpool2d || op.type == OpType::global_avgpool ||
                 op.type == OpType::upsample || op.type == OpType::halo || op.type == OpType::grid_sample;
  has_images = has_images || device_shapes_say_images(g);
  for (Tensor& t : g.tensors) t.image = has_images && t.shape.size() == 4 && held_channels_last(t);

  // Reorder ops topologically and renumber the tensors' links.
  std::vector<int> order = topological_order(g, label, g.version >= 2);
  std::vector<int> new_index(g.ops.size());
  for (size_t k = 0; k < order.size(); ++k) new_index[order[k]] = int(k);
  std::vector<Op> sorted;
  for (int i : order) sorted.push_back(std::move(g.ops[i]));
  g.ops = std::move(sorted);
  for (auto& t : g.tensors) {
    if (t.producer >= 0) t.producer = new_index[t.producer];
    for (auto& c : t.consumers) c = new_index[c];
  }
  return g;
}

Graph read_trace(const std::string& path) { return parse_trace(read_json_file(path), path); }

}  // namespace tessera
