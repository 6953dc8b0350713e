#pragma once
#include <string>

#include "sim/config/arch_config.h"

namespace tessera {

// Checks that the sections agree with each other (positions, compute grid, NoC buffers); throws InputError.
void check_arch_config(const ArchConfig& config, const std::string& label);

}  // namespace tessera
