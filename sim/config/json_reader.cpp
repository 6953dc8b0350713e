#include "sim/config/json_reader.h"

#include <cmath>
#include <cstdio>

#include "sim/base/errors.h"

namespace tessera {
namespace {

std::string line_and_column(const std::string& text, size_t offset) {
  size_t line = 1, column = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') { ++line; column = 1; } else { ++column; }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

}  // namespace

void check_json_depth(const std::string& text, const std::string& file) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth)
        throw InputError(file + ": JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels at " +
                         line_and_column(text, i));
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
}

Json parse_json_text(const std::string& text, const std::string& file) {
  check_json_depth(text, file);
  try {
    return Json::parse(text);
  } catch (const Json::parse_error& e) {
    // nlohmann reports a byte offset; turn it into a line and column people can find.
    throw InputError(file + ": malformed JSON at " + line_and_column(text, e.byte ? e.byte - 1 : 0) + ": " + e.what());
  } catch (const Json::exception& e) {
    // A number too large for a double (1e400) is out_of_range, not a parse error; it is still bad input.
    throw InputError(file + ": unreadable JSON: " + e.what());
  }
}

std::string describe_json(const Json& value) {
  std::string s = value.dump();
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  return s;
}

bool whole_number_in(const Json& v, int64_t lo, int64_t hi, int64_t* out) {
  if (v.is_number_unsigned()) {
    const uint64_t u = v.get<uint64_t>();
    if (u > uint64_t(INT64_MAX) || int64_t(u) < lo || int64_t(u) > hi) return false;
    *out = int64_t(u);
    return true;
  }
  if (v.is_number_integer()) {
    const int64_t i = v.get<int64_t>();
    if (i < lo || i > hi) return false;
    *out = i;
    return true;
  }
  if (v.is_number_float()) {
    // Compared as doubles before any conversion: 4294967296.0 must not become 0 on its way in.
    const double d = v.get<double>();
    if (!std::isfinite(d) || std::floor(d) != d || d < double(lo) || d > double(hi)) return false;
    *out = int64_t(d);
    return *out >= lo && *out <= hi;
  }
  return false;
}

std::string integer_expectation(int64_t lo, int64_t hi) {
  if (lo == 1) return "a positive integer (at most " + std::to_string(hi) + ")";
  if (lo == 0) return "a non-negative integer (at most " + std::to_string(hi) + ")";
  return "an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
}

ObjectReader::ObjectReader(const Json& object, std::string file, std::string path, std::string docs)
    : object_(object), file_(std::move(file)), path_(std::move(path)), docs_(std::move(docs)) {
  if (!object_.is_object())
    throw input_error(file_, path_, "expected an object, got " + describe_json(object_));
}

void ObjectReader::fail(const std::string& key, const std::string& expected, const Json& got) const {
  throw input_error(file_, path_of(key), "expected " + expected + ", got " + describe_json(got));
}

const Json* ObjectReader::optional_value(const std::string& key) {
  known_.insert(key);
  auto it = object_.find(key);
  return it == object_.end() ? nullptr : &*it;
}

const Json& ObjectReader::required_value(const std::string& key) {
  const Json* v = optional_value(key);
  if (!v) throw input_error(file_, path_of(key), "required key is missing");
  return *v;
}

int64_t ObjectReader::integer(const std::string& key, int64_t lo, int64_t hi, int64_t fallback) {
  const Json* v = optional_value(key);
  if (!v) return fallback;
  int64_t out = 0;
  if (!whole_number_in(*v, lo, hi, &out)) fail(key, integer_expectation(lo, hi), *v);
  return out;
}

uint32_t ObjectReader::uint32_in(const std::string& key, uint32_t lo, uint32_t hi, uint32_t fallback) {
  return static_cast<uint32_t>(integer(key, lo, hi, fallback));
}

int ObjectReader::int_in(const std::string& key, int lo, int hi, int fallback) {
  return static_cast<int>(integer(key, lo, hi, fallback));
}

double ObjectReader::number_in(const std::string& key, double lo, double hi, double fallback) {
  const Json* v = optional_value(key);
  if (!v) return fallback;
  if (!v->is_number() || !std::isfinite(v->get<double>()) || v->get<double>() < lo || v->get<double>() > hi) {
    char range[96];
    std::snprintf(range, sizeof range, "a number in [%g, %g]", lo, hi);
    fail(key, range, *v);
  }
  return v->get<double>();
}

double ObjectReader::positive_number(const std::string& key, double fallback) {
  const double v = number_in(key, 0, 1e15, fallback);
  if (!(v > 0)) fail(key, "a positive number (at most 1e+15)", *optional_value(key));
  return v;
}

bool ObjectReader::boolean(const std::string& key, bool fallback) {
  const Json* v = optional_value(key);
  if (!v) return fallback;
  if (!v->is_boolean()) fail(key, "true or false", *v);
  return v->get<bool>();
}

std::string ObjectReader::string(const std::string& key, const std::string& fallback) {
  const Json* v = optional_value(key);
  if (!v) return fallback;
  if (!v->is_string()) fail(key, "a string", *v);
  return v->get<std::string>();
}

std::string ObjectReader::one_of(const std::string& key, const std::vector<std::string>& choices,
                                 const std::string& fallback) {
  const Json* v = optional_value(key);
  if (!v) return fallback;
  std::string expected = "one of";
  for (size_t i = 0; i < choices.size(); ++i) expected += (i ? ", \"" : " \"") + choices[i] + "\"";
  if (!v->is_string()) fail(key, expected, *v);
  for (const auto& c : choices)
    if (v->get<std::string>() == c) return c;
  fail(key, expected, *v);
}

ObjectReader ObjectReader::object(const std::string& key) {
  const Json& v = required_value(key);
  return ObjectReader(v, file_, path_of(key), docs_);
}

void ObjectReader::reject_unknown_keys() const {
  for (auto it = object_.begin(); it != object_.end(); ++it)
    if (!known_.count(it.key()))
      throw input_error(file_, path_of(it.key()), "unknown key (check the spelling; see " + docs_ + ")");
}

}  // namespace tessera
