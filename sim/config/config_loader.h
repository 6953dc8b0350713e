#pragma once
// Loads an architecture config: reads the JSON file, follows "extends", applies --set overrides,
// validates every field and returns the typed ArchConfig. Bad input throws InputError.
#include <string>
#include <vector>

#include "sim/config/arch_config.h"
#include "sim/config/json_reader.h"

namespace tessera {

// Reads a JSON file; malformed JSON or an unreadable file throws InputError naming the file.
Json read_json_file(const std::string& path);

// The merged JSON of `path` after "extends" and the overrides ("a.b.c=value"; value is JSON, else a string).
Json effective_config_json(const std::string& path, const std::vector<std::string>& overrides);

// Builds the typed config from effective JSON; `label` names the source in error messages.
ArchConfig parse_arch_config(const Json& config, const std::string& label);

ArchConfig load_arch_config(const std::string& path, const std::vector<std::string>& overrides = {});

}  // namespace tessera
