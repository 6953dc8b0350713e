#pragma once
// Reads a BookSim2 configuration file ("key = value;" lines, // and /* */ comments) into a synthetic
// traffic setup on the same network. Keys this simulator cannot honour are rejected, naming the file and
// the key, rather than silently ignored.
#include <string>
#include <vector>

#include "noc/traffic/synthetic_run.h"

namespace tessera::noc {

// Throws tessera::InputError for unreadable files, syntax errors, unsupported keys or values.
SyntheticSetup read_booksim_config(const std::string& path);

// Keys accepted by read_booksim_config().
std::vector<std::string> supported_booksim_keys();

}  // namespace tessera::noc
