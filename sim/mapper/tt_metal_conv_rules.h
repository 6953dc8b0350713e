#pragma once
// Op by op under `mapper.op_by_op_rules=tt_metal_cnn`, the convs of a graph as ttnn's conv2d runs them when
// the model gives no sharding: each conv gets ttnn's auto-sharding (shard layout, core count and grid, block
// config; conv_sharding.h) where the trace gives none, and a grouped or depthwise conv gets its weights in
// ttnn's grouped layout: zero outside each group, so the matrix unit reduces over every input channel, a
// dense conv. The result has the same ops and tensors in the same order (the plan's ops line up with the
// source graph's); only op attributes, programs and the grouped weights' shapes differ. Sources:
// docs/mapping.md, "Conv sharding op by op".
#include "sim/config/arch_config.h"
#include "sim/workload/graph.h"

namespace tessera {

// What the pass changed on one op, for the plan ("" when nothing).
std::string tt_metal_conv_rule_note(const Op& op);

// Whether tt-metal's CNN demos apply `activation` inside the kernel of the conv, matmul or add that produces
// its input (ttnn's Conv2dConfig `activation`, a binary op's `activations`) rather than as an op of its own.
// ReLU: fused (ResNet-50's convs and residual adds). ReLU6: its own unary op (MobileNetV2 passes no
// activation to its convs and calls ttnn.relu6 after them). Sources: docs/mapping.md, "Activations op by op".
bool tt_metal_fuses_activation(OpType activation);

// The activation the kernel of conv `op_index` applies itself, as ttnn's Conv2dConfig `activation` does: on
// the vector unit, over each output tile in the destination registers before it is packed. "silu" when
// op_by_op_rules_apply and the conv's output goes only to a SiLU that the trace does not say ran alone (the
// YOLOv6-L demo passes activation="silu" to its convs); "" otherwise. The SiLU op then runs no program.
std::string fused_conv_activation(const MapperConfig& mapper, const Graph& graph, int op_index);

// The graph the mapper lowers: the source itself unless op_by_op_rules_apply(config.mapper, graph).
Graph apply_tt_metal_conv_rules(const ArchConfig& config, const Graph& graph);

}  // namespace tessera
