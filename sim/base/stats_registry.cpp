#include "sim/base/stats_registry.h"

#include <cmath>
#include <stdexcept>

namespace tessera {

uint64_t stat_window_cycles(uint64_t total_cycles) {
  uint64_t window = 1;
  while (window * kMaxStatWindows < total_cycles) window *= 2;
  return window;
}

void StatsRegistry::add(const std::string& name, double value, const std::string& unit,
                        const std::string& description) {
  auto [it, inserted] = stats_.try_emplace(name, Stat{0, unit, description, {}, false});
  it->second.value += value;
}

void StatsRegistry::set(const std::string& name, double value, const std::string& unit,
                        const std::string& description) {
  stats_[name] = Stat{value, unit, description, {}, false};
}

void StatsRegistry::set_series(const std::string& name, std::vector<double> windows, const std::string& unit,
                               const std::string& description, bool detail) {
  double sum = 0;
  for (double v : windows) sum += v;
  stats_[name] = Stat{sum, unit, description, std::move(windows), detail};
}

double StatsRegistry::get(const std::string& name, double fallback) const {
  auto it = stats_.find(name);
  return it == stats_.end() ? fallback : it->second.value;
}

const std::vector<double>& StatsRegistry::windows(const std::string& name) const {
  static const std::vector<double> none;
  auto it = stats_.find(name);
  return it == stats_.end() ? none : it->second.windows;
}

std::vector<std::pair<std::string, Stat>> StatsRegistry::with_prefix(const std::string& prefix) const {
  std::vector<std::pair<std::string, Stat>> out;
  for (auto it = stats_.lower_bound(prefix); it != stats_.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it)
    out.push_back(*it);
  return out;
}

namespace {

// Whole numbers print without a fraction ("12", not "12.0"), which keeps long series short.
nlohmann::json number(double v) {
  if (std::fabs(v) < 9e15 && v == std::floor(v)) return static_cast<int64_t>(v);
  return v;
}

}  // namespace

nlohmann::json StatsRegistry::to_json(double (*round)(double)) const {
  nlohmann::json tree = nlohmann::json::object();
  for (const auto& [name, stat] : stats_) {
    nlohmann::json* node = &tree;
    size_t begin = 0;
    for (size_t dot = name.find('.'); dot != std::string::npos; begin = dot + 1, dot = name.find('.', begin)) {
      nlohmann::json& child = (*node)[name.substr(begin, dot - begin)];
      if (child.is_null()) child = nlohmann::json::object();
      if (child.contains("unit") && child["unit"].is_string())
        throw std::logic_error("statistic " + name + " lies under another statistic");
      node = &child;
    }
    nlohmann::json& leaf = (*node)[name.substr(begin)];
    if (!leaf.is_null()) throw std::logic_error("statistic " + name + " is also a branch of other statistics");
    leaf = {{"value", number(round(stat.value))}, {"unit", stat.unit}, {"description", stat.description}};
    if (!stat.windows.empty() && !stat.detail) {
      nlohmann::json w = nlohmann::json::array();
      for (double v : stat.windows) w.push_back(number(round(v)));
      leaf["windows"] = std::move(w);
    }
  }
  return tree;
}

}  // namespace tessera
