#pragma once
// Hierarchical statistics: every component adds its own counters, named like "core.3_4.math.busy_cycles",
// with a unit and a one-line description. Reports and energy read them after the run. A statistic may also
// be a series over time windows of window_cycles() cycles each (link and engine load as the run went);
// its value is then the sum of its windows. The registry is dumped once, as a tree that follows the names
// (to_json), into report.json.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace tessera {

// A run has at most this many statistics windows: the window is the smallest power of two of cycles that
// covers the run in kMaxStatWindows windows (stat_window_cycles).
constexpr uint64_t kMaxStatWindows = 1024;
uint64_t stat_window_cycles(uint64_t total_cycles);

struct Stat {
  double value = 0;
  std::string unit;         // count, cycles, bytes, flits, pJ, %
  std::string description;
  std::vector<double> windows;  // per time window, when a series; sums to value
  bool detail = false;          // a per-unit series (one link, one core): to_json keeps its value, not its windows
};

class StatsRegistry {
 public:
  // Adds `value` to the named statistic, creating it on first use.
  void add(const std::string& name, double value, const std::string& unit, const std::string& description);
  void set(const std::string& name, double value, const std::string& unit, const std::string& description);
  // A series over the registry's windows; its value becomes the sum of `windows`.
  void set_series(const std::string& name, std::vector<double> windows, const std::string& unit,
                  const std::string& description, bool detail);
  double get(const std::string& name, double fallback = 0) const;
  bool has(const std::string& name) const { return stats_.count(name) != 0; }
  // The windows of a series; empty when `name` is missing or not a series.
  const std::vector<double>& windows(const std::string& name) const;
  // All statistics whose names start with `prefix`, in name order.
  std::vector<std::pair<std::string, Stat>> with_prefix(const std::string& prefix) const;
  const std::map<std::string, Stat>& all() const { return stats_; }

  // Every series has window_count() windows of window_cycles() cycles each; both 0 until set.
  uint64_t window_cycles() const { return window_cycles_; }
  size_t window_count() const { return window_count_; }
  void set_windows(uint64_t cycles, size_t count) { window_cycles_ = cycles, window_count_ = count; }

  // The tree: "noc.link.0_0.east.flits" becomes {"noc": {"link": {"0_0": {"east": {"flits": leaf}}}}}, each
  // leaf {"value", "unit", "description"} plus "windows" for series that are not detail. `round` shapes
  // every number written. Throws std::logic_error when a name is both a leaf and a branch.
  nlohmann::json to_json(double (*round)(double)) const;

 private:
  std::map<std::string, Stat> stats_;
  uint64_t window_cycles_ = 0;
  size_t window_count_ = 0;
};

}  // namespace tessera
