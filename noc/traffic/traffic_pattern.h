#pragma once
// Synthetic traffic patterns, chosen by name as in BookSim2: where a packet from `src` goes.
#include <random>
#include <string>
#include <vector>

#include "noc/grid.h"

namespace tessera::noc {

using TrafficPattern = int (*)(int src, const Grid& grid, std::mt19937_64& rng);

// The pattern called `name`, or nullptr. Bit patterns (bitcomp, bitrev, shuffle) need a power-of-two node
// count, transpose a square grid: check with traffic_pattern_fits().
TrafficPattern find_traffic_pattern(const std::string& name);
bool traffic_pattern_fits(const std::string& name, const Grid& grid, std::string* why);
std::vector<std::string> traffic_pattern_names();

}  // namespace tessera::noc
