#pragma once
// Parser of the config's "power" section (sim/config/power_config.h).
#include "sim/config/arch_config.h"
#include "sim/config/json_reader.h"

namespace tessera {

PowerConfig parse_power(ObjectReader r, const ChipConfig& chip);

}  // namespace tessera
