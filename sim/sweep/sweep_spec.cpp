#include "sim/sweep/sweep_spec.h"

#include <fstream>
#include <set>
#include <sstream>

#include "sim/base/errors.h"
#include "sim/config/config_loader.h"
#include "sim/config/json_reader.h"
#include "sim/workload/trace_reader.h"

namespace tessera::sweep {
namespace {

// A value as `--set key=value` reads it: JSON text for numbers and booleans, the bare string otherwise.
std::string set_text(const nlohmann::json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

}  // namespace

SweepSpec read_sweep_spec(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(path + ": cannot read the sweep spec");
  std::stringstream text;
  text << in.rdbuf();
  // Ordered, so that the axes (and the CSV columns) come in the spec's order, not sorted by name.
  nlohmann::ordered_json j;
  check_json_depth(text.str(), path);
  try {
    j = nlohmann::ordered_json::parse(text.str());
  } catch (const nlohmann::json::exception& e) {
    throw InputError(path + ": not valid JSON: " + e.what());
  }
  auto bad = [&](const std::string& where, const std::string& what) { return input_error(path, where, what); };
  if (!j.is_object()) throw bad("", "expected an object with \"base\", \"traces\" and \"axes\"");
  for (const auto& [key, value] : j.items())
    if (key != "base" && key != "traces" && key != "axes" && key != "description")
      throw bad("/" + key, "unknown key (expected base, traces, axes, description)");
  SweepSpec s;
  s.file = path;
  if (!j.contains("base") || !j["base"].is_string() || j["base"].get<std::string>().empty())
    throw bad("/base", "expected the path of a config file");
  s.base = j["base"].get<std::string>();
  if (!j.contains("traces") || !j["traces"].is_array() || j["traces"].empty())
    throw bad("/traces", "expected a non-empty list of trace paths");
  std::set<std::string> seen;
  for (size_t i = 0; i < j["traces"].size(); ++i) {
    const auto& t = j["traces"][i];
    if (!t.is_string() || t.get<std::string>().empty()) throw bad("/traces/" + std::to_string(i), "expected a trace path");
    if (!seen.insert(t.get<std::string>()).second) throw bad("/traces/" + std::to_string(i), "listed twice");
    s.traces.push_back(t.get<std::string>());
  }
  if (!j.contains("axes") || !j["axes"].is_object()) throw bad("/axes", "expected an object of key path: [values]");
  for (const auto& [key, values] : j["axes"].items()) {
    const std::string where = "/axes/" + key;
    if (key.empty() || key.find('=') != std::string::npos || key.front() == '.' || key.back() == '.')
      throw bad(where, "expected a config key path such as noc.link_bytes_per_cycle");
    if (!values.is_array() || values.empty()) throw bad(where, "expected a non-empty list of values");
    Axis a{key, {}};
    std::set<std::string> distinct;
    for (size_t i = 0; i < values.size(); ++i) {
      const auto& v = values[i];
      if (!(v.is_number() || v.is_string() || v.is_boolean()))
        throw bad(where + "/" + std::to_string(i), "expected a number, string or boolean");
      if (!distinct.insert(v.dump()).second) throw bad(where + "/" + std::to_string(i), "value listed twice");
      a.values.push_back(nlohmann::json::parse(v.dump()));
    }
    s.axes.push_back(a);
  }
  return s;
}

std::vector<SweepPoint> sweep_points(const SweepSpec& spec) {
  std::vector<SweepPoint> points;
  size_t per_trace = 1;
  for (const Axis& a : spec.axes) per_trace *= a.values.size();
  for (const std::string& trace : spec.traces) {
    for (size_t k = 0; k < per_trace; ++k) {
      SweepPoint p;
      p.index = points.size();
      p.trace = trace;
      p.id = trace;
      // The last axis varies fastest.
      size_t rest = k;
      std::vector<size_t> pick(spec.axes.size());
      for (size_t a = spec.axes.size(); a-- > 0;) {
        pick[a] = rest % spec.axes[a].values.size();
        rest /= spec.axes[a].values.size();
      }
      for (size_t a = 0; a < spec.axes.size(); ++a) {
        const std::string v = set_text(spec.axes[a].values[pick[a]]);
        p.values.push_back(v);
        p.overrides.push_back(spec.axes[a].key + "=" + v);
        p.id += " " + spec.axes[a].key + "=" + v;
      }
      points.push_back(p);
    }
  }
  return points;
}

void validate_sweep(const SweepSpec& spec, const std::vector<SweepPoint>& points) {
  for (const std::string& trace : spec.traces) {
    try {
      read_trace(trace);
    } catch (const InputError& e) {
      throw InputError(spec.file + ": trace " + trace + ": " + e.what());
    }
  }
  // Each axis value on its own names the key that fails; then every combination, since values can clash.
  for (const Axis& a : spec.axes)
    for (const auto& v : a.values) {
      const std::string set = a.key + "=" + set_text(v);
      try {
        load_arch_config(spec.base, {set});
      } catch (const InputError& e) {
        throw InputError(spec.file + ": axis " + a.key + " value " + set_text(v) + " is rejected: " + e.what());
      }
    }
  for (const SweepPoint& p : points) {
    if (p.trace != spec.traces.front()) break;  // the configs repeat for every trace
    try {
      load_arch_config(spec.base, p.overrides);
    } catch (const InputError& e) {
      throw InputError(spec.file + ": point " + p.id + " is rejected: " + e.what());
    }
  }
}

}  // namespace tessera::sweep
