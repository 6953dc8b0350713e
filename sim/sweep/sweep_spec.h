#pragma once
// A sweep: a base config, traces and axes (config key paths with lists of values). Its points are the
// cartesian product of traces and axis values, each identified by its trace and axis values so that a
// rerun can skip finished points. docs/sweeps.md describes the format.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace tessera::sweep {

struct Axis {
  std::string key;                    // config key path, e.g. "noc.link_bytes_per_cycle"
  std::vector<nlohmann::json> values; // scalars
};

struct SweepSpec {
  std::string file;
  std::string base;                   // config path (relative to the current directory)
  std::vector<std::string> traces;
  std::vector<Axis> axes;             // in the spec's key order
};

struct SweepPoint {
  size_t index = 0;                   // position in the product, trace-major
  std::string trace;
  std::vector<std::string> values;    // per axis, as given to --set
  std::vector<std::string> overrides; // "key=value" per axis
  std::string id;                     // trace plus "key=value" pairs: identifies the point across reruns
};

// Reads and checks the spec; a malformed one throws InputError naming the file and the JSON path.
SweepSpec read_sweep_spec(const std::string& path);

std::vector<SweepPoint> sweep_points(const SweepSpec& spec);

// Checks every point before any runs: the config with its overrides must load and each trace must read.
// Throws InputError naming the point's key and value.
void validate_sweep(const SweepSpec& spec, const std::vector<SweepPoint>& points);

}  // namespace tessera::sweep
