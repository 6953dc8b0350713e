#pragma once
// Reads one JSON object field by field, checking types and ranges, and refuses keys nobody asked for.
// Every error names the file and the JSON path (RFC 6901 style, e.g. /noc/link_bytes_per_cycle).
// Numbers are range-checked before they are converted, so no value wraps or truncates on its way into a
// struct: every integer field states its bounds, and floats must be finite and inside theirs.
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace tessera {

using Json = nlohmann::json;

// Deepest nesting of arrays and objects any input may have. nlohmann's parser, dump and destructor recurse
// once per level, so a string of 100,000 brackets would overflow the stack; real configs and traces are
// under 10 deep.
constexpr int kMaxJsonDepth = 64;

// Throws InputError naming `file`, the line and the column where `text` nests deeper than kMaxJsonDepth.
void check_json_depth(const std::string& text, const std::string& file);

// Parses JSON text for `file`: too deep, malformed, or a number no double holds (1e400) is an InputError
// with the line and column.
Json parse_json_text(const std::string& text, const std::string& file);

// A short rendering of a JSON value for error messages: "32B", 3.5, [1,2].
std::string describe_json(const Json& value);

// Whether `v` is a whole number (an integer, or a float with no fraction) in [lo, hi]; `out` gets it.
bool whole_number_in(const Json& v, int64_t lo, int64_t hi, int64_t* out);

// "a positive integer (at most 4096)", "an integer in [-1, 8]": what an integer field expects.
std::string integer_expectation(int64_t lo, int64_t hi);

class ObjectReader {
 public:
  // Throws InputError when `object` is not a JSON object. `docs` names the page that lists the valid keys.
  ObjectReader(const Json& object, std::string file, std::string path, std::string docs = "docs/configs.md");

  bool has(const std::string& key) const { return object_.contains(key); }
  std::string path_of(const std::string& key) const { return path_ + "/" + key; }
  const std::string& file() const { return file_; }

  // Each getter marks the key as known; a missing key returns the fallback (or throws when required).
  // A whole number in [lo, hi]; fractions, strings and anything out of range are refused.
  int64_t integer(const std::string& key, int64_t lo, int64_t hi, int64_t fallback);
  uint32_t uint32_in(const std::string& key, uint32_t lo, uint32_t hi, uint32_t fallback);
  int int_in(const std::string& key, int lo, int hi, int fallback);
  // A finite number in [lo, hi].
  double number_in(const std::string& key, double lo, double hi, double fallback);
  // Shorthands for fields without a tighter bound of their own: integers up to 2^31 - 1 (so they fit an
  // int), finite numbers up to 1e15. New fields should state their bounds with the getters above.
  uint32_t positive_int(const std::string& key, uint32_t fallback) { return uint32_in(key, 1, INT32_MAX, fallback); }
  uint32_t non_negative_int(const std::string& key, uint32_t fallback) { return uint32_in(key, 0, INT32_MAX, fallback); }
  double positive_number(const std::string& key, double fallback);
  double non_negative_number(const std::string& key, double fallback) { return number_in(key, 0, 1e15, fallback); }
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
