#include "sim/config/config_loader.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/base/errors.h"

namespace tessera {
namespace fs = std::filesystem;

Json read_json_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(path + ": cannot open file");
  std::stringstream text;
  text << in.rdbuf();
  try {
    return Json::parse(text.str());
  } catch (const Json::parse_error& e) {
    // nlohmann reports a byte offset; turn it into a line and column people can find.
    const std::string s = text.str();
    size_t line = 1, column = 1;
    for (size_t i = 0; i < e.byte - 1 && i < s.size(); ++i) {
      if (s[i] == '\n') { ++line; column = 1; } else { ++column; }
    }
    throw InputError(path + ": malformed JSON at line " + std::to_string(line) + ", column " +
                     std::to_string(column) + ": " + e.what());
  }
}

// Objects merge key by key; anything else in `over` replaces what `base` had.
static void merge_into(Json& base, const Json& over) {
  if (!base.is_object() || !over.is_object()) { base = over; return; }
  for (auto it = over.begin(); it != over.end(); ++it) {
    if (base.contains(it.key())) merge_into(base[it.key()], it.value());
    else base[it.key()] = it.value();
  }
}

static Json load_with_extends(const std::string& path, std::vector<std::string>& chain) {
  for (const auto& seen : chain)
    if (fs::weakly_canonical(seen) == fs::weakly_canonical(path))
      throw input_error(path, "/extends", "expected a config that does not extend itself, got a cycle through " + seen);
  chain.push_back(path);
  Json config = read_json_file(path);
  if (!config.is_object()) throw input_error(path, "", "expected a JSON object, got " + describe_json(config));
  if (!config.contains("extends")) return config;
  const Json& parent_name = config["extends"];
  if (!parent_name.is_string())
    throw input_error(path, "/extends", "expected a file name, got " + describe_json(parent_name));
  fs::path parent = fs::path(path).parent_path() / parent_name.get<std::string>();
  if (!fs::exists(parent))
    throw input_error(path, "/extends", "expected an existing config file, got " + describe_json(parent_name) +
                                            " (looked for " + parent.string() + ")");
  Json merged = load_with_extends(parent.string(), chain);
  config.erase("extends");
  merge_into(merged, config);
  return merged;
}

static Json parse_override_value(const std::string& text) {
  try {
    return Json::parse(text);
  } catch (const Json::parse_error&) {
    return Json(text);  // a bare word such as flit or im2col
  }
}

Json effective_config_json(const std::string& path, const std::vector<std::string>& overrides) {
  std::vector<std::string> chain;
  Json config = load_with_extends(path, chain);
  for (const auto& item : overrides) {
    auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0)
      throw InputError("--set " + item + ": expected key.path=value, e.g. --set noc.link_bytes_per_cycle=64");
    std::string key = item.substr(0, eq);
    Json* node = &config;
    std::stringstream parts(key);
    std::string part, pointer;
    while (std::getline(parts, part, '.')) {
      if (part.empty()) throw InputError("--set " + item + ": expected key.path=value with non-empty key parts");
      if (!node->is_object())
        throw InputError("--set " + item + ": " + pointer + " is not an object, cannot set " + key);
      pointer += "/" + part;
      node = &(*node)[part];
    }
    *node = parse_override_value(item.substr(eq + 1));
  }
  return config;
}

ArchConfig load_arch_config(const std::string& path, const std::vector<std::string>& overrides) {
  Json config = effective_config_json(path, overrides);
  try {
    ArchConfig arch = parse_arch_config(config, path);
    arch.source_file = path;
    return arch;
  } catch (const InputError& e) {
    // Name the flag, not the file, when the offending value came from --set.
    for (const auto& item : overrides) {
      std::string pointer = "/" + item.substr(0, item.find('='));
      for (auto& c : pointer) if (c == '.') c = '/';
      if (!e.json_path().empty() && (e.json_path() == pointer || e.json_path().rfind(pointer + "/", 0) == 0)) {
        std::string message = e.what();
        message.replace(0, path.size(), "--set " + item);
        throw InputError(message, e.json_path());
      }
    }
    throw;
  }
}

}  // namespace tessera
