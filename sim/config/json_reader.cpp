#include "sim/config/json_reader.h"

#include <cmath>

#include "sim/base/errors.h"

namespace tessera {

std::string describe_json(const Json& value) {
  std::string s = value.dump();
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  return s;
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

static bool is_whole_number(const Json& v) {
  if (v.is_number_integer() || v.is_number_unsigned()) return true;
  return v.is_number_float() && std::floor(v.get<double>()) == v.get<double>();
}

uint32_t ObjectReader::positive_int(const std::string& key, uint32_t fallback) {
  const Json* v = optional_value(key);
  if (!v) return fallback;
  if (!is_whole_number(*v) || v->get<double>() < 1 || v->get<double>() > 4294967295.0)
    fail(key, "a positive integer", *v);
  return static_cast<uint32_t>(v->get<double>());
}

uint32_t ObjectReader::non_negative_int(const std::string& key, uint32_t fallback) {
  const Json* v = optional_value(key);
  if (!v) return fallback;
  if (!is_whole_number(*v) || v->get<double>() < 0 || v->get<double>() > 4294967295.0)
    fail(key, "a non-negative integer", *v);
  return static_cast<uint32_t>(v->get<double>());
}

double ObjectReader::positive_number(const std::string& key, double fallback) {
  const Json* v = optional_value(key);
  if (!v) return fallback;
  if (!v->is_number() || !(v->get<double>() > 0)) fail(key, "a positive number", *v);
  return v->get<double>();
}

double ObjectReader::non_negative_number(const std::string& key, double fallback) {
  const Json* v = optional_value(key);
  if (!v) return fallback;
  if (!v->is_number() || !(v->get<double>() >= 0)) fail(key, "a non-negative number", *v);
  return v->get<double>();
}

double ObjectReader::number_in(const std::string& key, double lo, double hi, double fallback) {
  const Json* v = optional_value(key);
  if (!v) return fallback;
  if (!v->is_number() || v->get<double>() < lo || v->get<double>() > hi) {
    char range[96];
    std::snprintf(range, sizeof range, "a number in [%g, %g]", lo, hi);
    fail(key, range, *v);
  }
  return v->get<double>();
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
