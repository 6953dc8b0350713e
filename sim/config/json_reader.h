#pragma once
// Reads one JSON object field by field, checking types and ranges, and refuses keys nobody asked for.
// Every error names the file and the JSON path (RFC 6901 style, e.g. /noc/link_bytes_per_cycle).
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace tessera {

using Json = nlohmann::json;

// A short rendering of a JSON value for error messages: "32B", 3.5, [1,2].
std::string describe_json(const Json& value);

class ObjectReader {
 public:
  // Throws InputError when `object` is not a JSON object. `docs` names the page that lists the valid keys.
  ObjectReader(const Json& object, std::string file, std::string path, std::string docs = "docs/configs.md");

  bool has(const std::string& key) const { return object_.contains(key); }
  std::string path_of(const std::string& key) const { return path_ + "/" + key; }
  const std::string& file() const { return file_; }

  // Each getter marks the key as known; a missing key returns the fallback (or throws when required).
  uint32_t positive_int(const std::string& key, uint32_t fallback);
  uint32_t non_negative_int(const std::string& key, uint32_t fallback);
  double positive_number(const std::string& key, double fallback);
  double non_negative_number(const std::string& key, double fallback);
  double number_in(const std::string& key, double lo, double hi, double fallback);
  bool boolean(const std::string& key, bool fallback);
  std::string string(const std::string& key, const std::string& fallback);
  std::string one_of(const std::string& key, const std::vector<std::string>& choices, const std::string& fallback);
  ObjectReader object(const std::string& key);  // required sub-object
  const Json* optional_value(const std::string& key);  // marks known; nullptr when absent
  const Json& required_value(const std::string& key);

  // Throws on the first key that no getter asked for.
  void reject_unknown_keys() const;

  [[noreturn]] void fail(const std::string& key, const std::string& expected, const Json& got) const;

 private:
  const Json& object_;
  std::string file_;
  std::string path_;
  std::string docs_;
  std::set<std::string> known_;
};

}  // namespace tessera
