#pragma once
// Runs one sweep point as a child process of the tessera executable itself (`tessera run ... --json
// --quiet`): SystemC elaborates once per process, so every point needs its own. Returns the point's
// results.jsonl record.
#include <string>

#include <nlohmann/json.hpp>

#include "sim/sweep/sweep_spec.h"

namespace tessera::sweep {

// The running executable (/proc/self/exe), resolved once.
std::string self_executable();

// Throws std::runtime_error with the child's exit status when the run fails.
nlohmann::json run_point(const std::string& executable, const SweepSpec& spec, const SweepPoint& point);

// The record of a finished point from its report.json.
nlohmann::json point_record(const SweepSpec& spec, const SweepPoint& point, const nlohmann::json& report);

}  // namespace tessera::sweep
