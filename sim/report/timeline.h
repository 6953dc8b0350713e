#pragma once
// timeline.json: the run in Chrome's trace event format, which ui.perfetto.dev and chrome://tracing open.
// One process per core with a thread per engine, one process for the DRAM channels, duration events ("X")
// named by op, and counter events ("C") for NoC link, DRAM and engine utilisation and power per statistics window of the run
// (the load the NoC and the chip recorded, RunResult::stats). Times are in
// microseconds of simulated time. Above kMaxTimelineEvents spans, adjacent spans of the same op on the same
// track are merged (docs/report.md).
#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

#include "sim/chip/chip.h"
#include "sim/config/arch_config.h"
#include "sim/program/plan.h"

namespace tessera {

constexpr size_t kMaxTimelineEvents = 200000;

struct TimelineInfo {
  size_t span_events = 0;      // "X" events written
  size_t recorded_spans = 0;   // spans the run recorded
  uint64_t merge_gap_cycles = 0;  // largest gap merged over; 0 when only touching spans were joined
};

// `power`, when given, is report.json's "power" object: its windows add VCORE and board power and AICLK
// counters, and when the limiter lowered the clock, times follow each window's clock.
std::string timeline_json(const ArchConfig& config, const Plan& plan, const RunResult& run,
                          size_t max_events = kMaxTimelineEvents, TimelineInfo* info = nullptr,
                          const nlohmann::json* power = nullptr);

}  // namespace tessera
