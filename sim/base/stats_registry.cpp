#include "sim/base/stats_registry.h"

namespace tessera {

void StatsRegistry::add(const std::string& name, double value, const std::string& unit,
                        const std::string& description) {
  auto [it, inserted] = stats_.try_emplace(name, Stat{0, unit, description});
  it->second.value += value;
}

void StatsRegistry::set(const std::string& name, double value, const std::string& unit,
                        const std::string& description) {
  stats_[name] = Stat{value, unit, description};
}

double StatsRegistry::get(const std::string& name, double fallback) const {
  auto it = stats_.find(name);
  return it == stats_.end() ? fallback : it->second.value;
}

std::vector<std::pair<std::string, Stat>> StatsRegistry::with_prefix(const std::string& prefix) const {
  std::vector<std::pair<std::string, Stat>> out;
  for (auto it = stats_.lower_bound(prefix); it != stats_.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it)
    out.push_back(*it);
  return out;
}

}  // namespace tessera
