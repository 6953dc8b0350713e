#include "sim/mapper/tt_metal_conv_rules.h"

#include "sim/mapper/conv_sharding.h"
#include "sim/mapper/op_by_op_rules.h"
#include "sim/mapper/yolov6l_demo.h"
#include "sim/workload/op_shapes.h"

namespace tessera {
namespace {

constexpr const char* kNoteKey = "tt_metal_conv_rule";  // in Op::metadata, which the simulation never reads

std::string describe(const ConvParallelConfig& p) {
  const ProgramConfig& b = p.block;
  return b.shard_layout + " sharded on " + std::to_string(p.cores()) + " cores (" + std::to_string(p.grid_x) + "x" +
         std::to_string(p.grid_y) + "), act_block_h " + std::to_string(b.act_block_h_tiles) + " act_block_w " +
         std::to_string(b.act_block_w_tiles) + " weights_block_w " + std::to_string(b.weights_block_w_tiles) +
         " subblock " + std::to_string(b.out_subblock_h_tiles) + "x" + std::to_string(b.out_subblock_w_tiles) +
         " tiles";
}

void add_note(Op& op, const std::string& note) {
  std::string old = op.metadata.contains(kNoteKey) ? op.metadata[kNoteKey].get<std::string>() : "";
  op.metadata[kNoteKey] = old.empty() ? note : old + "; " + note;
}

}  // namespace

std::string tt_metal_conv_rule_note(const Op& op) {
  return op.metadata.contains(kNoteKey) ? op.metadata[kNoteKey].get<std::string>() : "";
}

bool tt_metal_fuses_activation(OpType activation) { return activation == OpType::relu; }

std::string fused_conv_activation(const MapperConfig& mapper, const Graph& graph, int op_index) {
  const Op& op = graph.ops[size_t(op_index)];
  if (op.type != OpType::conv2d || !op_by_op_rules_apply(mapper, graph)) return "";
  const Tensor& y = graph.output(op);
  if (y.consumers.size() != 1) return "";
  const Op& next = graph.ops[size_t(y.consumers[0])];
  if (next.type != OpType::silu || next.cores > 0) return "";
  return "silu";
}

Graph apply_tt_metal_conv_rules(const ArchConfig& config, const Graph& source) {
  Graph g = source;
  if (!op_by_op_rules_apply(config.mapper, g)) return g;
  const bool yolov6l = is_yolov6l_demo_graph(g);
  for (Op& op : g.ops) {
    if (op.type != OpType::conv2d) continue;
    const ConvGeometry c = conv_geometry(g, op);
    // ttnn converts a grouped conv's weight [K, C/groups, kh, kw] to [K, C, kh, kw] with zeros outside
    // each group and runs the dense conv. Only a weight of this conv alone is reshaped.
    Tensor& w = g.tensors[size_t(op.inputs[1])];
    if (c.groups > 1 && w.producer < 0 && w.consumers.size() == 1) {
      w.shape[1] = c.c;
      w.device_shape.clear();
      op.attrs.erase("groups");
      op.metadata["dense_groups"] = c.groups;  // the graph's groups, for lowerings that must tell
      add_note(op, "grouped layout: " + std::to_string(c.groups) + " groups as one dense conv over " +
                       std::to_string(c.c) + " channels");
    }
    // A profiled conv already says how it ran.
    if (op.cores > 0 || op.program.present) continue;
    // The YOLOv6-L demo names each conv's shard layout itself (height unless a block says block); ttnn
    // then picks the cores and block config for that layout. Other models name none: ttnn's auto-sharding.
    const ConvParallelConfig p =
        yolov6l ? conv_parallel_config(conv_geometry(g, op), yolov6l_conv_layout(op.name), config.chip.compute_width,
                                       config.chip.compute_height)
                : choose_conv_parallel_config(conv_geometry(g, op), config.chip.compute_width, config.chip.compute_height);
    op.cores = p.cores();
    op.program = p.block;
    add_note(op, "tt_metal_cnn: " + describe(p) + (yolov6l ? " (the YOLOv6-L demo's layout)" : ""));
  }
  return g;
}

}  // namespace tessera
