#include "sim/sweep/sweep_runner.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "sim/sweep/point_runner.h"

namespace tessera::sweep {

bool launched_under_mpi() {
  for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"})
    if (std::getenv(var)) return true;
  return false;
}

void print_point_progress(size_t done, size_t total, const nlohmann::json& record) {
  std::fprintf(stderr, "[%zu/%zu] %s: %llu cycles, %.4g J\n", done, total, record["point"].get<std::string>().c_str(),
               static_cast<unsigned long long>(record["cycles"].get<uint64_t>()), record["energy_j"].get<double>());
}

SweepOutcome run_sweep_local(const SweepSpec& spec, const std::vector<SweepPoint>& points, ResultsLog& log,
                             const SweepOptions& options) {
  SweepOutcome outcome;
  outcome.points = points.size();
  std::vector<const SweepPoint*> unfinished;
  for (const SweepPoint& p : points) {
    if (log.finished(p.id)) ++outcome.skipped;
    else unfinished.push_back(&p);
  }
  const std::string exe = self_executable();
  std::atomic<size_t> next{0};
  std::mutex mutex;  // guards the log, the counters and stderr
  auto worker = [&] {
    for (size_t i = next++; i < unfinished.size(); i = next++) {
      try {
        const nlohmann::json record = run_point(exe, spec, *unfinished[i]);
        std::lock_guard<std::mutex> lock(mutex);
        log.append(record);
        ++outcome.ran;
        if (options.progress) print_point_progress(outcome.skipped + outcome.ran, outcome.points, record);
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lock(mutex);
        ++outcome.failed;
        std::fprintf(stderr, "tessera sweep: %s\n", e.what());
      }
    }
  };
  const int jobs = std::max(1, std::min<int>(options.jobs, int(std::max<size_t>(unfinished.size(), 1))));
  std::vector<std::thread> threads;
  for (int j = 0; j < jobs; ++j) threads.emplace_back(worker);
  for (std::thread& t : threads) t.join();
  return outcome;
}

}  // namespace tessera::sweep
