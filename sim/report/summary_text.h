#pragma once
// The summary `tessera run` prints: one screen for a newcomer. Headline figures (time, throughput,
// utilisation, energy, the bottleneck), then the ten ops that took the most time, with fused ops folded
// into the op they were fused into. Time is shared out so that it sums to 100%: each moment of the run is
// split evenly among the ops running at that moment (overlapping ops share it), and moments when no op
// runs are listed apart. `--ops all` prints every op instead of the ten.
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace tessera {

struct SummaryOptions {
  bool all_ops = false;
  size_t top_ops = 10;
  // Ops fused into another op (their report rows are all zeros), by the op that absorbed them.
  std::map<std::string, std::vector<std::string>> fused_into;
};

// Cycles of each op's time share (report order), and the cycles with no op running, from the ops'
// start_cycle and end_cycle: every moment is split evenly among the ops running then.
std::vector<double> op_time_shares(const nlohmann::json& report, double* idle_cycles);

std::string format_run_summary(const nlohmann::json& report, const SummaryOptions& options);

}  // namespace tessera
