#include "sim/mapper/tt_metal_inserted_ops.h"

#include <map>
#include <optional>
#include <set>

#include "sim/mapper/conv_sharding.h"
#include "sim/mapper/demo_memory_config.h"
#include "sim/mapper/tt_metal_conv_rules.h"
#include "sim/mapper/yolov6l_demo.h"
#include "sim/mapper/yolov6l_head.h"
#include "sim/workload/op_shapes.h"

namespace tessera {
namespace {

constexpr const char* kInsertedKey = "tt_metal_inserted_for";  // in Op::metadata: the conv it serves
constexpr const char* kNoteKey = "tt_metal_conv_rule";            // the plan's conv_rule (tt_metal_conv_rules)

// Whether the rule pass chose this conv's sharding (a profiled conv keeps what its trace says ran).
bool sharded_by_rule(const Op& op) { return tt_metal_conv_rule_note(op).find("tt_metal_cnn:") != std::string::npos; }

bool needs_halo(const Graph& g, const Op& op) {
  if (op.type != OpType::conv2d || !sharded_by_rule(op)) return false;
  const Tensor& x = g.input(op, 0);
  if (x.producer >= 0 && g.ops[size_t(x.producer)].type == OpType::halo) return false;
  return !conv_is_matmul(conv_geometry(g, op));
}

// The op whose output a reshape=True conv hands on: its SiLU when the conv applies it (fused), else itself.
int hand_on_op(const Graph& g, int conv_index) {
  const Tensor& y = g.output(g.ops[size_t(conv_index)]);
  if (y.consumers.size() == 1 && g.ops[size_t(y.consumers[0])].type == OpType::silu &&
      g.ops[size_t(y.consumers[0])].cores == 0)
    return y.consumers[0];
  return conv_index;
}

// A new activation tensor shaped as `like`, for an op this pass inserts.
int add_tensor(Graph& g, const Tensor& like, const std::string& name, TensorLayout layout) {
  Tensor t;
  t.name = name;
  t.shape = like.shape;
  t.kind = TensorKind::activation;
  t.image = like.image;
  t.format = like.format;
  t.layout = layout;
  const int index = int(g.tensors.size());
  g.tensors.push_back(t);
  g.tensor_index[name] = index;
  return index;
}

// An op this pass inserts: one input, one output, the conv (or concat) it serves and why, in its metadata.
Op inserted_op(const std::string& name, OpType type, int input, int output, const std::string& serves,
               const std::string& note) {
  Op op;
  op.name = name;
  op.type = type;
  op.inputs = {input};
  op.outputs = {output};
  op.metadata[kInsertedKey] = serves;
  op.metadata[kNoteKey] = "tt_metal_cnn: " + note;
  return op;
}

void relink(Graph& g) {
  for (Tensor& t : g.tensors) {
    t.producer = -1;
    t.consumers.clear();
  }
  for (size_t i = 0; i < g.ops.size(); ++i) {
    for (int t : g.ops[i].inputs) g.tensors[size_t(t)].consumers.push_back(int(i));
    for (int t : g.ops[i].outputs) g.tensors[size_t(t)].producer = int(i);
  }
}

// After a reshape=True conv (or its fused SiLU) the demo hands on its output sharded_to_interleaved into L1
// (a reshard), then to_layout ROW_MAJOR (an untilize); the reshape to [N, H, W, C] keeps a row-major
// tensor's rows and moves nothing. Later readers of `y` take the row-major tensor.
void hand_on(LoweredGraph& out, const Tensor& like, const std::string& conv_name, int y, std::map<int, int>& replaced) {
  Graph& g = out.graph;
  const int interleaved = add_tensor(g, like, like.name + "@interleaved", TensorLayout::tile);
  const int row_major = add_tensor(g, like, like.name + "@row_major", TensorLayout::row_major);
  g.ops.push_back(inserted_op(conv_name + ".sharded_to_interleaved", OpType::reshard, y, interleaved, conv_name,
                              "YOLOv6-L demo's sharded_to_interleaved after " + conv_name));
  out.source_op.push_back(-1);
  g.ops.push_back(inserted_op(conv_name + ".untilize", OpType::untilize, interleaved, row_major, conv_name,
                              "YOLOv6-L demo's untilize after " + conv_name));
  out.source_op.push_back(-1);
  replaced[y] = row_major;
}


// The parallel config ttnn gives a YOLOv6-L conv: the demo's layout with the rule's cores (tt_metal_conv_rules),
// a transposed conv's the layout Yolov6x_Conv_T_2D is given (height sharded, ttnn_bifusion.py).
ConvParallelConfig demo_parallel_config(const Graph& g, const Op& op, const ComputeGrid& grid) {
  return conv_parallel_config(conv_geometry(g, op), yolov6l_conv_layout(op.name), grid.x, grid.y);
}

// A copy to shards held as `want` (ttnn.to_memory_config: interleaved_to_sharded from L1 interleaved, else a
// reshard), on the cores of those shards and split as they are.
Op shard_copy(Graph& g, const std::string& name, int input, const ShardConfig& want, const ComputeGrid& grid,
              const std::string& serves, const std::string& note) {
  const Tensor x = g.tensors[size_t(input)];
  Op copy = inserted_op(name, OpType::reshard, input, add_tensor(g, x, x.name + "@" + name, x.layout), serves, note);
  copy.cores = want.cores_nhw * want.cores_c;
  copy.program.present = true;
  copy.program.shard_layout = want.layout == MemoryLayout::block_sharded ? "block"
                              : want.layout == MemoryLayout::width_sharded ? "width"
                                                                           : "height";
  copy.program.grid_x = want.layout == MemoryLayout::block_sharded ? want.cores_c : std::min(copy.cores, grid.x);
  copy.program.grid_y = want.layout == MemoryLayout::block_sharded ? want.cores_nhw : int(ceil_div(copy.cores, grid.x));
  return copy;
}

// The shard config each tensor of the lowered graph holds as the YOLOv6-L demo runs it (absent: L1 interleaved
// or not yet known), for the programs ttnn runs where two configs differ.
struct DemoConfigs {
  std::map<int, ShardConfig> held;
  std::optional<ShardConfig> of(int t) const {
    auto it = held.find(t);
    return it == held.end() ? std::nullopt : std::optional<ShardConfig>(it->second);
  }
  void set(int t, const std::optional<ShardConfig>& c) {
    if (c) held[t] = *c;
    else held.erase(t);
  }
};

int64_t volume(const Tensor& t) {
  int64_t v = 1;
  for (int64_t d : t.shape) v *= d;
  return v;
}

// The config an op other than a conv gives its output: a SiLU, ReLU or sigmoid keeps its input's; a multiply
// or add ttnn runs on its legacy path (a sharded BFLOAT8_B operand, binary.cpp is_legacy_only), which swaps the
// operands so the larger is first and writes the first's config; a concat keeps a height-sharded first input's
// grid and rows with the inputs' shards side by side (the BiFusion's and the neck's create_sharded_memory_config);
// anything else L1 interleaved.
std::optional<ShardConfig> demo_output_config(const Graph& g, const Op& op, const DemoConfigs& configs) {
  switch (op.type) {
    case OpType::silu:
    case OpType::relu:
    case OpType::sigmoid: return configs.of(op.inputs[0]);
    case OpType::mul:
    case OpType::add: {
      int first = op.inputs[0];
      for (int t : op.inputs)
        if (volume(g.tensors[size_t(t)]) > volume(g.tensors[size_t(first)])) first = t;
      return configs.of(first);
    }
    case OpType::concat: {
      std::optional<ShardConfig> out = configs.of(op.inputs[0]);
      if (!out || out->layout != MemoryLayout::height_sharded) return std::nullopt;
      out->shard_cols = 0;
      for (int t : op.inputs) {
        const auto c = configs.of(t);
        if (!c) return std::nullopt;
        out->shard_cols += c->shard_cols;
      }
      return out;
    }
    default: return std::nullopt;
  }
}

}  // namespace

LoweredGraph insert_tt_metal_programs(const Graph& ruled, const ComputeGrid& grid) {
  LoweredGraph out;
  out.graph = ruled;
  Graph& g = out.graph;
  g.ops.clear();
  // After these source ops, the demo's sharded_to_interleaved and untilize (YOLOv6-L's reshape=True convs).
  std::map<int, int> hand_ons;  // the op handing the output on -> its conv
  const bool yolov6l = is_yolov6l_demo_graph(ruled);
  if (yolov6l)
    for (size_t i = 0; i < ruled.ops.size(); ++i)
      if (ruled.ops[i].type == OpType::conv2d && yolov6l_conv_reshapes(ruled.ops[i].name))
        hand_ons[hand_on_op(ruled, int(i))] = int(i);
  std::map<int, int> replaced;  // a tensor the inserted ops replaced, for its later readers
  std::map<int, int> clones;                // a tensor the demo clones -> the clone
  std::map<int, std::string> clone_readers;  // -> the one op that reads the clone
  std::set<size_t> moved;     // ReLUs lowered right after their conv
  DemoConfigs configs;        // YOLOv6-L: the shard config each tensor holds
  auto lower = [&](size_t i) {
    Op conv = ruled.ops[i];
    const bool halo_first = needs_halo(ruled, conv);
    for (int& t : conv.inputs)
      if (replaced.count(t)) t = replaced[t];
    if (yolov6l && clones.count(conv.inputs[0]) && ruled.ops[i].name == clone_readers[conv.inputs[0]])
      conv.inputs[0] = clones[conv.inputs[0]];
    // The head's ops the demo runs as views run nothing: their readers take the input.
    if (yolov6l && yolov6l_head_view(conv.name)) {
      replaced[conv.outputs[0]] = conv.inputs[0];
      return;
    }
    if (yolov6l) yolov6l_head_as_demo_runs(conv, g);
    // Before a BepC3 concat, each input copied to L1 interleaved (ttnn.to_memory_config); before the SPPF's,
    // each sharded_to_interleaved and untilized (ttnn.to_layout ROW_MAJOR).
    const bool bepc3 = yolov6l && conv.type == OpType::concat && yolov6l_bepc3_concat(conv.name);
    const bool sppf = yolov6l && conv.type == OpType::concat && yolov6l_sppf_concat(conv.name);
    for (size_t k = 0; (bepc3 || sppf) && k < conv.inputs.size(); ++k) {
      const Tensor x = g.tensors[size_t(conv.inputs[k])];
      const Op copy = inserted_op(
          conv.name + (bepc3 ? ".to_memory_config." : ".sharded_to_interleaved.") + std::to_string(k), OpType::reshard,
          conv.inputs[k], add_tensor(g, x, x.name + "@l1_interleaved:" + conv.name, x.layout), conv.name,
          "YOLOv6-L demo's copy to L1 interleaved before " + conv.name);
      conv.inputs[k] = copy.outputs[0];
      g.ops.push_back(copy);
      out.source_op.push_back(-1);
      if (!sppf) continue;
      const Op untilize = inserted_op(
          conv.name + ".untilize." + std::to_string(k), OpType::untilize, conv.inputs[k],
          add_tensor(g, x, x.name + "@row_major:" + conv.name, TensorLayout::row_major), conv.name,
          "YOLOv6-L demo's untilize before " + conv.name);
      conv.inputs[k] = untilize.outputs[0];
      g.ops.push_back(untilize);
      out.source_op.push_back(-1);
    }
    // A copy of input k to `want` (nullopt: L1 interleaved) before this op, named `<op>.<what>`.
    auto copy_input = [&](size_t k, const std::optional<ShardConfig>& want, const std::string& what,
                          const std::string& why) {
      const Tensor x = g.tensors[size_t(conv.inputs[k])];
      const std::string name = conv.name + "." + what;
      const Op copy = want ? shard_copy(g, name, conv.inputs[k], *want, grid, conv.name, why)
                           : inserted_op(name, OpType::reshard, conv.inputs[k],
                                         add_tensor(g, x, x.name + "@" + name, x.layout), conv.name, why);
      conv.inputs[k] = copy.outputs[0];
      configs.set(copy.outputs[0], want);
      g.ops.push_back(copy);
      out.source_op.push_back(-1);
    };
    // ttnn's conv2d and conv_transpose2d with reshard_if_not_optimal (Yolov6l_Conv2D, Yolov6x_Conv_T_2D in
    // common.py) copy an input not held as the shards they compute for it: interleaved_to_sharded from L1
    // interleaved, else a reshard. The network's input is as the test hands it over and is left alone.
    std::optional<ConvParallelConfig> conv_config;
    if (yolov6l && ((conv.type == OpType::conv2d && sharded_by_rule(conv)) || conv.type == OpType::conv_transpose2d)) {
      conv_config = demo_parallel_config(ruled, ruled.ops[i], grid);
      const ShardConfig want = conv_input_config(conv_geometry(ruled, ruled.ops[i]), *conv_config);
      const std::optional<ShardConfig> have = configs.of(conv.inputs[0]);
      if (ruled.input(ruled.ops[i], 0).producer >= 0 && needs_copy(have, want))
        copy_input(0, want, have ? "reshard" : "interleaved_to_sharded",
                   std::string("YOLOv6-L demo's conv ") + (have ? "reshard" : "interleaved_to_sharded") +
                       " of its input before " + conv.name);
    }
    // A BottleRep's x_conv2 + alpha * x: alpha * x to x_conv2's memory config when they differ
    // (ttnn_bottlerep.py).
    if (yolov6l && conv.type == OpType::add && conv.inputs.size() == 2 && yolov6l_bottlerep_add(conv.name)) {
      const auto producer_type = [&](size_t k) {
        const int p = ruled.input(ruled.ops[i], k).producer;
        return p < 0 ? OpType::add : ruled.ops[size_t(p)].type;
      };
      const size_t scaled = producer_type(0) == OpType::mul ? 0 : 1;
      const auto want = configs.of(conv.inputs[1 - scaled]);
      if (producer_type(scaled) == OpType::mul && needs_copy(configs.of(conv.inputs[scaled]), want))
        copy_input(scaled, want, "to_memory_config", "YOLOv6-L demo's copy of alpha * x to x_conv2's memory config");
    }
    // A BiFusion's concat: cv1's and the downsample's outputs to the upsample's memory config when they differ
    // (ttnn_bifusion.py).
    if (yolov6l && conv.type == OpType::concat && yolov6l_bifusion_concat(conv.name))
      for (size_t k = 1; k < conv.inputs.size(); ++k)
        if (needs_copy(configs.of(conv.inputs[k]), configs.of(conv.inputs[0])))
          copy_input(k, configs.of(conv.inputs[0]), "to_memory_config." + std::to_string(k),
                     "YOLOv6-L demo's copy to the upsample's memory config before " + conv.name);
    if (halo_first) {
      const ConvGeometry c = conv_geometry(ruled, ruled.ops[i]);
      const Tensor x = g.tensors[size_t(conv.inputs[0])];
      Tensor h;
      h.name = x.name + "@halo:" + conv.name;
      h.shape = {c.n, c.c, c.h + c.pad_top + c.pad_bottom, c.w + c.pad_left + c.pad_right};
      h.kind = TensorKind::activation;
      h.image = true;
      h.format = x.format;
      // ttnn's halo writes row-major sticks; here the layout only sets a DRAM tensor's page size, and the
      // halo's output lives in L1 in ttnn: should SRAM fitting stage it, it goes in tile pages.
      h.layout = TensorLayout::tile;
      const int hi = int(g.tensors.size());
      g.tensors.push_back(h);
      g.tensor_index[h.name] = hi;
      Op halo = inserted_op(conv.name + ".halo", OpType::halo, conv.inputs[0], hi, conv.name, "halo before " + conv.name);
      halo.attrs = {{"kernel", {c.kh, c.kw}}, {"stride", {c.sh, c.sw}}, {"dilation", {c.dh, c.dw}},
                    {"padding", {c.pad_top, c.pad_left, c.pad_bottom, c.pad_right}}};
      g.ops.push_back(halo);
      out.source_op.push_back(-1);
      conv.inputs[0] = hi;
      // ttnn's conv2d moves the halo's output (ttnn::move, a MoveDeviceOperation as in the OFT profile) when
      // the conv deallocates its input, so that the freed input leaves no hole in L1.
      if (yolov6l && yolov6l_conv_deallocates_activation(conv.name)) {
        const int moved = add_tensor(g, g.tensors[size_t(hi)], h.name + "@moved", h.layout);
        g.ops.push_back(inserted_op(conv.name + ".halo.move", OpType::move, hi, moved, conv.name,
                                    "YOLOv6-L demo's move of the halo's output before " + conv.name));
        out.source_op.push_back(-1);
        conv.inputs[0] = moved;
      }
      conv.attrs["padding"] = {0, 0, 0, 0};
    }
    g.ops.push_back(conv);
    out.source_op.push_back(int(i));
    if (yolov6l)
      configs.set(conv.outputs[0], conv_config ? std::optional<ShardConfig>(conv_output_config(
                                                     conv_geometry(ruled, ruled.ops[i]), *conv_config))
                                               : demo_output_config(g, conv, configs));
    if (hand_ons.count(int(i))) {
      const std::string& conv_name = ruled.ops[size_t(hand_ons[int(i)])].name;
      hand_on(out, ruled.tensors[size_t(conv.outputs[0])], conv_name, conv.outputs[0], replaced);
      const std::string reader = yolov6l_clone_reader(conv_name);
      if (!reader.empty()) {
        // ttnn.clone: a copy of the handed-on tensor, in the same memory, for `reader` alone.
        const int y = replaced[conv.outputs[0]];
        const int clone = add_tensor(g, g.tensors[size_t(y)], g.tensors[size_t(y)].name + "@clone", g.tensors[size_t(y)].layout);
        g.ops.push_back(inserted_op(conv_name + ".clone", OpType::move, y, clone, conv_name,
                                    "YOLOv6-L demo's clone of " + conv_name + "'s output for " + reader));
        out.source_op.push_back(-1);
        clones[y] = clone;
        clone_readers[y] = reader;
      }
    }
    if (!yolov6l) return;
    // The head's permutes, tilizes and sharded_to_interleaved after this op (ttnn_detect.py).
    const int y = conv.outputs[0];
    int current = replaced.count(y) ? replaced[y] : y;
    for (const HeadProgram& p : yolov6l_head_programs_after(conv, g.tensors[size_t(current)])) {
      const int t = add_tensor(g, g.tensors[size_t(current)], p.name, p.layout);
      g.tensors[size_t(t)].shape = p.shape;
      g.tensors[size_t(t)].image = p.image;
      Op program = inserted_op(p.name, p.type, current, t, conv.name, p.note);
      if (!p.perm.empty()) program.attrs["perm"] = p.perm;
      g.ops.push_back(program);
      out.source_op.push_back(-1);
      current = t;
    }
    if (current != y) replaced[y] = current;
  };
  for (size_t i = 0; i < ruled.ops.size(); ++i) {
    if (moved.count(i)) continue;
    lower(i);
    // The demo's convs that apply a ReLU take it in their Conv2dConfig (activation="relu"): it runs in the
    // conv's program, so it comes right after the conv (a version-1 trace's load order may put other ops
    // between them, which would make it a program of its own).
    const Tensor& y = ruled.tensors[size_t(ruled.ops[i].outputs[0])];
    if (yolov6l && ruled.ops[i].type == OpType::conv2d && y.consumers.size() == 1 &&
        ruled.ops[size_t(y.consumers[0])].type == OpType::relu && ruled.ops[size_t(y.consumers[0])].cores == 0 &&
        size_t(y.consumers[0]) > i + 1) {
      lower(size_t(y.consumers[0]));
      moved.insert(size_t(y.consumers[0]));
    }
  }
  relink(g);
  return out;
}

bool is_inserted_shard_copy(const Graph& lowered, int op_index) {
  const Op& op = lowered.ops[size_t(op_index)];
  return op.type == OpType::reshard && op.metadata.contains(kInsertedKey) && !op.program.shard_layout.empty();
}

bool is_inserted_halo_move(const Graph& lowered, int op_index) {
  const Op& op = lowered.ops[size_t(op_index)];
  if (op.type != OpType::move || !op.metadata.contains(kInsertedKey)) return false;
  const int producer = lowered.input(op, 0).producer;
  return producer >= 0 && is_inserted_halo(lowered, producer);
}

bool is_inserted_halo(const Graph& lowered, int op_index) {
  const Op& op = lowered.ops[size_t(op_index)];
  return op.type == OpType::halo && op.metadata.contains(kInsertedKey);
}

}  // namespace tessera
