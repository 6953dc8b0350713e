#pragma once
// Engine load from the activities the engines recorded: per compute core and engine, and per DRAM channel,
// the cycles busy in each statistics window (the union of its spans, so overlapping DMA requests count
// once), added to the run's statistics.
#include <vector>

#include "sim/base/stats_registry.h"
#include "sim/program/chip_services.h"
#include "sim/program/plan.h"

namespace tessera {

// Series, in the registry's windows (set before calling): core.<x>_<y>.<engine>.busy_cycles (detail),
// core.all.<engine>.busy_cycles (summed over the compute cores) and dram.all.busy_cycles (summed over the
// channels; each channel's own count stays dram.<n>.busy_cycles). Engines are named as to_string(Engine).
void record_engine_load(const std::vector<Activity>& activities, const Plan& plan, size_t dram_channels,
                        StatsRegistry& stats);

}  // namespace tessera
