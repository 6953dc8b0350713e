#pragma once
// The mapper's strategy choices as config enums; the strategies themselves are registered by name in
// sim/mapper/ (conv_algorithm.h, placement.h).
#include <optional>
#include <string>
#include <vector>

namespace tessera {

enum class ConvAlgorithm { im2col, winograd2, winograd4, direct, sliding_window };
enum class Placement { layer_by_layer, pipelined };
// fused: the whole graph as one stream, each op waiting only for the rows it reads (what the architecture
// could do with a dataflow compiler); op_by_op: one program per op, launched after the one before ends,
// its tensors in DRAM or L1 between ops (how tt-metal runs a model today). docs/mapping.md.
enum class Schedule { fused, op_by_op };
// How `tessera run --system` splits a trace over a system's chips (docs/systems.md): data (batch split,
// weights replicated), tensor (matmuls split by columns or rows, attention by heads, collectives between),
// expert (an MoE layer's experts spread over the chips, all_to_all dispatch and combine), pipeline
// (consecutive layers on consecutive chips, micro-batches streaming through, activations over Ethernet).
enum class Parallel { data, tensor, expert, pipeline };
// Op by op, where the trace gives no data format or math fidelity: `trace` takes the mapper's defaults;
// `tt_metal_cnn` sets convs and matmuls of a conv net as tt-metal's CNN demos do (LoFi, BFP8 outputs,
// BFP8 conv weights), the ops they feed writing the same format. docs/mapping.md, "Formats and fidelity op by op".
enum class OpByOpRules { trace, tt_metal_cnn };

const char* to_string(ConvAlgorithm a);
const char* to_string(Placement p);
const char* to_string(Schedule s);
const char* to_string(Parallel p);
const char* to_string(OpByOpRules r);
std::optional<ConvAlgorithm> parse_conv_algorithm(const std::string& s);
std::optional<Placement> parse_placement(const std::string& s);
std::optional<Schedule> parse_schedule(const std::string& s);
std::optional<Parallel> parse_parallel(const std::string& s);
std::optional<OpByOpRules> parse_op_by_op_rules(const std::string& s);
std::vector<std::string> conv_algorithm_names();  // without "auto"
std::vector<std::string> placement_names();
std::vector<std::string> schedule_names();
std::vector<std::string> parallel_names();
std::vector<std::string> op_by_op_rules_names();

}  // namespace tessera
