#pragma once
// Loads a system config (configs/systems/*.json): the chip presets it names, the device grid, the
// Ethernet parameters and the links, every field checked. Bad input throws InputError naming the file,
// the JSON path and what was expected; a chip preset's own errors name that preset.
#include <string>
#include <vector>

#include "sim/system/system_config.h"

namespace tessera::system {

// `overrides` are "a.b=value" pairs applied to the system file (as --set does for a chip config);
// `chip_overrides` the same for every chip preset it names (tessera run --system --set mapper.parallel=...).
SystemConfig load_system_config(const std::string& path, const std::vector<std::string>& overrides = {},
                                const std::vector<std::string>& chip_overrides = {});

}  // namespace tessera::system
