#include "sim/mapper/tt_metal_inserted_ops.h"

#include "sim/mapper/conv_sharding.h"
#include "sim/mapper/tt_metal_conv_rules.h"
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

}  // namespace

LoweredGraph insert_tt_metal_programs(const Graph& ruled) {
  LoweredGraph out;
  out.graph = ruled;
  Graph& g = out.graph;
  g.ops.clear();
  for (size_t i = 0; i < ruled.ops.size(); ++i) {
    Op conv = ruled.ops[i];
    if (needs_halo(ruled, conv)) {
      const ConvGeometry c = conv_geometry(ruled, conv);
      const Tensor& x = ruled.input(conv, 0);
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
      Op halo;
      halo.name = conv.name + ".halo";
      halo.type = OpType::halo;
      halo.inputs = {conv.inputs[0]};
      halo.outputs = {hi};
      halo.attrs = {{"kernel", {c.kh, c.kw}}, {"stride", {c.sh, c.sw}}, {"dilation", {c.dh, c.dw}},
                    {"padding", {c.pad_top, c.pad_left, c.pad_bottom, c.pad_right}}};
      halo.metadata[kInsertedKey] = conv.name;
      halo.metadata[kNoteKey] = "tt_metal_cnn: halo before " + conv.name;
      g.ops.push_back(halo);
      out.source_op.push_back(-1);
      conv.inputs[0] = hi;
      conv.attrs["padding"] = {0, 0, 0, 0};
    }
    g.ops.push_back(conv);
    out.source_op.push_back(int(i));
  }
  relink(g);
  return out;
}

bool is_inserted_halo(const Graph& lowered, int op_index) {
  const Op& op = lowered.ops[size_t(op_index)];
  return op.type == OpType::halo && op.metadata.contains(kInsertedKey);
}

}  // namespace tessera
