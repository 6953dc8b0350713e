#pragma once
// What a NoC-trace replay reports: a text summary, one JSON object, a Perfetto timeline of the transfers
// (Chrome trace JSON) and a CSV of the links that carried flits.
#include <string>

#include <nlohmann/json.hpp>

#include "sim/noc_trace/trace_replay.h"

namespace tessera::noc_trace {

nlohmann::json replay_json(const NocTrace& trace, const ReplayResult& r, double clock_ghz);
std::string replay_text(const NocTrace& trace, const ReplayResult& r);
std::string replay_timeline(const ReplayResult& r, double clock_ghz);
std::string replay_links_csv(const ReplayResult& r);

// Writes timeline.json and links.csv into `dir` (created when missing), each file whole or not at all.
void write_replay_outputs(const std::string& dir, const ReplayResult& r, double clock_ghz);

}  // namespace tessera::noc_trace
