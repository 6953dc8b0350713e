#include "sim/config/config_loader.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "sim/base/errors.h"

namespace tessera {
namespace fs = std::filesystem;
namespace {

// Which source set each value of the effective config: a file of the extends chain or a --set flag.
// Errors are blamed on the source of the value they are about, not on the file the user named.
using Origins = std::map<std::string, std::string>;

void erase_below(const std::string& pointer, Origins& origins) {
  for (auto it = origins.lower_bound(pointer + "/"); it != origins.end() && it->first.rfind(pointer + "/", 0) == 0;)
    it = origins.erase(it);
}

// Objects merge key by key (as merge_into does), so only their leaves are recorded; anything else replaces
// what its pointer held before, including what was below it.
void record_origins(const Json& value, const std::string& pointer, const std::string& source, Origins& origins) {
  if (!value.is_object()) {
    erase_below(pointer, origins);
    origins[pointer] = source;
    return;
  }
  origins.erase(pointer);
  for (auto it = value.begin(); it != value.end(); ++it) record_origins(it.value(), pointer + "/" + it.key(), source, origins);
}

// Objects merge key by key; anything else in `over` replaces what `base` had.
void merge_into(Json& base, const Json& over) {
  if (!base.is_object() || !over.is_object()) { base = over; return; }
  for (auto it = over.begin(); it != over.end(); ++it) {
    if (base.contains(it.key())) merge_into(base[it.key()], it.value());
    else base[it.key()] = it.value();
  }
}

// The chain of files from the root parent down to `path`. Each file is canonicalised once and kept in a
// set, so a chain of n files costs n look-ups (a list compared pairwise took 30 s at n = 3,000).
std::vector<std::pair<std::string, Json>> extends_chain(const std::string& path) {
  std::vector<std::pair<std::string, Json>> chain;
  std::set<fs::path> seen;
  std::string current = path;
  for (;;) {
    std::error_code ec;
    const fs::path canonical = fs::weakly_canonical(current, ec);
    if (!seen.insert(ec ? fs::path(current) : canonical).second)
      throw input_error(chain.back().first, "/extends",
                        "expected a config that does not extend itself, got a cycle through " + current);
    Json config = read_json_file(current);
    if (!config.is_object()) throw input_error(current, "", "expected a JSON object, got " + describe_json(config));
    const bool has_parent = config.contains("extends");
    Json parent_name = has_parent ? config["extends"] : Json();
    config.erase("extends");
    chain.push_back({current, std::move(config)});
    if (!has_parent) break;
    if (!parent_name.is_string() || parent_name.get<std::string>().empty())
      throw input_error(current, "/extends", "expected the file name of a parent config, got " + describe_json(parent_name));
    const fs::path parent = fs::path(current).parent_path() / parent_name.get<std::string>();
    if (!fs::is_regular_file(parent, ec))
      throw input_error(current, "/extends", "expected an existing config file, got " + describe_json(parent_name) +
                                                 " (looked for " + parent.string() + ")");
    current = parent.string();
  }
  return chain;
}

Json parse_override_value(const std::string& item, const std::string& text) {
  try {
    check_json_depth(text, "--set " + item);
    return Json::parse(text);
  } catch (const Json::parse_error&) {
    return Json(text);  // a bare word such as flit or im2col
  } catch (const Json::exception&) {
    throw InputError("--set " + item + ": expected a value a double can hold, got " + text);
  }
}

Json effective_config(const std::string& path, const std::vector<std::string>& overrides, Origins& origins) {
  auto chain = extends_chain(path);
  Json config = Json::object();
  for (size_t i = chain.size(); i-- > 0;) {
    record_origins(chain[i].second, "", chain[i].first, origins);
    merge_into(config, chain[i].second);
  }
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
    *node = parse_override_value(item, item.substr(eq + 1));
    erase_below(pointer, origins);  // --set replaces the value whole, objects included
    record_origins(*node, pointer, "--set " + item, origins);
  }
  return config;
}

}  // namespace

Json read_json_file(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) throw InputError(path + ": expected a file, got a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot open file");
  std::stringstream text;
  text << in.rdbuf();
  return parse_json_text(text.str(), path);
}

Json effective_config_json(const std::string& path, const std::vector<std::string>& overrides) {
  Origins origins;
  return effective_config(path, overrides, origins);
}

ArchConfig load_arch_config(const std::string& path, const std::vector<std::string>& overrides) {
  Origins origins;
  Json config = effective_config(path, overrides, origins);
  try {
    ArchConfig arch = parse_arch_config(config, path);
    arch.source_file = path;
    return arch;
  } catch (const InputError& e) {
    // Blame the source of the value (a parent file, a --set flag): the deepest pointer with a known origin.
    std::string pointer = e.json_path();
    while (!pointer.empty() && !origins.count(pointer)) pointer = pointer.substr(0, pointer.rfind('/'));
    const std::string message = e.what();
    if (pointer.empty() || origins[pointer] == path || message.rfind(path + ": ", 0) != 0) throw;
    throw InputError(origins[pointer] + message.substr(path.size()), e.json_path());
  }
}

}  // namespace tessera
