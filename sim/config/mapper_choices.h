#pragma once
// The mapper's strategy choices as config enums; the strategies themselves are registered by name in
// sim/mapper/ (conv_algorithm.h, placement.h).
#include <optional>
#include <string>
#include <vector>

namespace tessera {

enum class ConvAlgorithm { im2col, winograd2, winograd4, direct };
enum class Placement { layer_by_layer, pipelined };
// fused: the whole graph as one stream, each op waiting only for the rows it reads (what the architecture
// could do with a dataflow compiler); op_by_op: one program per op, launched after the one before ends,
// its tensors in DRAM or L1 between ops (how tt-metal runs a model today). docs/mapping.md.
enum class Schedule { fused, op_by_op };

const char* to_string(ConvAlgorithm a);
const char* to_string(Placement p);
const char* to_string(Schedule s);
std::optional<ConvAlgorithm> parse_conv_algorithm(const std::string& s);
std::optional<Placement> parse_placement(const std::string& s);
std::optional<Schedule> parse_schedule(const std::string& s);
std::vector<std::string> conv_algorithm_names();  // without "auto"
std::vector<std::string> placement_names();
std::vector<std::string> schedule_names();

}  // namespace tessera
