#pragma once
// report.json's "power" object and the summary's power line (docs/report.md, docs/energy.md).
#include <string>

#include <nlohmann/json.hpp>

#include "sim/config/arch_config.h"
#include "sim/energy/power_model.h"
#include "sim/program/plan.h"

namespace tessera {

nlohmann::json power_json(const ArchConfig& config, const Plan& plan, const PowerReport& power);

// One line: VCORE and board power, average and peak, and the clock when the limiter is on.
std::string format_power_summary(const nlohmann::json& report);

}  // namespace tessera
