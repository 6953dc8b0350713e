#pragma once
// Progress of a long run on stderr: simulated cycles, ops finished and an estimate of the time left. A
// background thread prints one line (rewritten in place) twice a second; the simulation only bumps atomic
// counters as engines finish spans. Used only when stderr is a terminal and --quiet is not given.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "sim/chip/chip.h"
#include "sim/program/plan.h"

namespace tessera {

class ProgressMeter {
 public:
  explicit ProgressMeter(const Plan& plan);
  ~ProgressMeter();  // stops the printer and clears its line

  void start();
  // Called for every span an engine records (from the simulation thread).
  void on_activity(const Activity& a);

 private:
  void print_loop();

  std::vector<uint32_t> blocks_left_;          // per op: compute blocks not yet packed (simulation thread only)
  std::vector<uint32_t> blocks_total_;
  std::atomic<uint64_t> cycle_{0};
  std::atomic<uint64_t> blocks_done_{0};
  std::atomic<uint32_t> ops_done_{0};
  uint64_t blocks_all_ = 0;
  size_t ops_ = 0;
  std::thread printer_;
  std::mutex mutex_;
  std::condition_variable stop_cv_;
  bool stop_ = false;
  std::chrono::steady_clock::time_point started_;
};

// A Chip that also tells a ProgressMeter about every span.
class MeteredChip : public Chip {
 public:
  MeteredChip(const ArchConfig& config, const Plan& plan, ProgressMeter* meter) : Chip(config, plan), meter_(meter) {}
  void record(const Activity& a) override {
    Chip::record(a);
    if (meter_) meter_->on_activity(a);
  }

 private:
  ProgressMeter* meter_;
};

}  // namespace tessera
