#pragma once
// Hierarchical statistics: every component adds its own counters, named like "core.3_4.math.busy_cycles",
// with a unit and a one-line description. Reports and energy read them after the run.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace tessera {

struct Stat {
  double value = 0;
  std::string unit;         // count, cycles, bytes, flits, pJ, %
  std::string description;
};

class StatsRegistry {
 public:
  // Adds `value` to the named statistic, creating it on first use.
  void add(const std::string& name, double value, const std::string& unit, const std::string& description);
  void set(const std::string& name, double value, const std::string& unit, const std::string& description);
  double get(const std::string& name, double fallback = 0) const;
  bool has(const std::string& name) const { return stats_.count(name) != 0; }
  // All statistics whose names start with `prefix`, in name order.
  std::vector<std::pair<std::string, Stat>> with_prefix(const std::string& prefix) const;
  const std::map<std::string, Stat>& all() const { return stats_; }

 private:
  std::map<std::string, Stat> stats_;
};

}  // namespace tessera
