#pragma once
// The energy lines of the text summary: total, average power, TOPS/W and the largest components.
#include <string>

#include <nlohmann/json.hpp>

namespace tessera {

std::string format_energy_summary(const nlohmann::json& report);

}  // namespace tessera
