#include "sim/report/progress_meter.h"

#include <cstdio>

namespace tessera {

ProgressMeter::ProgressMeter(const Plan& plan) : ops_(plan.ops.size()) {
  blocks_total_.assign(ops_, 0);
  // A block shows up as a pack span when it packs anything; those are the ones counted.
  for (const CoreProgram& c : plan.cores)
    for (const ComputeCmd& cmd : c.compute)
      if (cmd.pack_bytes > 0 && cmd.op >= 0 && size_t(cmd.op) < ops_) ++blocks_total_[cmd.op];
  blocks_left_ = blocks_total_;
  for (uint32_t b : blocks_total_) blocks_all_ += b;
}

ProgressMeter::~ProgressMeter() {
  if (!printer_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  stop_cv_.notify_all();
  printer_.join();
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
}

void ProgressMeter::start() {
  started_ = std::chrono::steady_clock::now();
  printer_ = std::thread([this] { print_loop(); });
}

void ProgressMeter::on_activity(const Activity& a) {
  if (a.end > cycle_.load(std::memory_order_relaxed)) cycle_.store(a.end, std::memory_order_relaxed);
  if (a.engine != Engine::pack || a.op < 0 || size_t(a.op) >= ops_ || blocks_left_[a.op] == 0) return;
  blocks_done_.fetch_add(1, std::memory_order_relaxed);
  if (--blocks_left_[a.op] > 0) return;
  // Ops done: the leading ops in graph order that have finished; ops without compute blocks (views,
  // DMA-only ops) count once everything before them has.
  uint32_t done = ops_done_.load(std::memory_order_relaxed);
  while (done < ops_ && blocks_left_[done] == 0) ++done;
  ops_done_.store(done, std::memory_order_relaxed);
}

void ProgressMeter::print_loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stop_cv_.wait_for(lock, std::chrono::milliseconds(500), [this] { return stop_; })) {
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    const double done = blocks_all_ ? double(blocks_done_.load()) / double(blocks_all_) : 0;
    char eta[32] = "?";
    if (done > 0.01) std::snprintf(eta, sizeof eta, "%.0f s", elapsed * (1 - done) / done);
    std::fprintf(stderr, "\r\033[Ksimulating: cycle %llu, %u/%zu ops done, %.0f%% of compute blocks, ETA %s",
                 static_cast<unsigned long long>(cycle_.load()), ops_done_.load(), ops_, 100 * done, eta);
    std::fflush(stderr);
  }
}

}  // namespace tessera
