#pragma once
// The mapper's strategy choices as config enums; the strategies themselves are registered by name in
// sim/mapper/ (conv_algorithm.h, placement.h).
#include <optional>
#include <string>
#include <vector>

namespace tessera {

enum class ConvAlgorithm { im2col, winograd2, winograd4, direct };
enum class Placement { layer_by_layer, pipelined };

const char* to_string(ConvAlgorithm a);
const char* to_string(Placement p);
std::optional<ConvAlgorithm> parse_conv_algorithm(const std::string& s);
std::optional<Placement> parse_placement(const std::string& s);
std::vector<std::string> conv_algorithm_names();  // without "auto"
std::vector<std::string> placement_names();

}  // namespace tessera
