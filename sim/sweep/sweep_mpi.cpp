// The sweep under MPI (`mpirun -n K tessera sweep SPEC`): rank 0 owns the results files and hands out
// points one at a time; ranks 1..K-1 run them as child processes and send each record back. With one
// rank the local runner does the work. Ranks on other hosts need the same paths (a shared directory).
#include <mpi.h>

#include <cstdio>
#include <string>

#include "sim/sweep/point_runner.h"
#include "sim/sweep/sweep_runner.h"

namespace tessera::sweep {
namespace {

constexpr int kTagResult = 1;  // worker -> rank 0: "" (ready), a JSON record, or "!" + error
constexpr int kTagWork = 2;    // rank 0 -> worker: point index, or -1 when there is nothing left

void send_string(const std::string& s, int to, int tag) {
  MPI_Send(s.data(), int(s.size()), MPI_CHAR, to, tag, MPI_COMM_WORLD);
}

std::string receive_string(int& from) {
  MPI_Status status;
  MPI_Probe(MPI_ANY_SOURCE, kTagResult, MPI_COMM_WORLD, &status);
  int count = 0;
  MPI_Get_count(&status, MPI_CHAR, &count);
  std::string s(size_t(count), '\0');
  from = status.MPI_SOURCE;
  MPI_Recv(s.data(), count, MPI_CHAR, from, kTagResult, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  return s;
}

int coordinate(const SweepSpec& spec, const std::vector<SweepPoint>& points, const SweepOptions& options, int ranks) {
  ResultsLog log(options.out_dir, spec);
  std::vector<long long> unfinished;
  size_t skipped = 0;
  for (const SweepPoint& p : points) {
    if (log.finished(p.id)) ++skipped;
    else unfinished.push_back((long long)p.index);
  }
  size_t next = 0, ran = 0, failed = 0;
  int active = ranks - 1;
  while (active > 0) {
    int from = 0;
    const std::string msg = receive_string(from);
    if (!msg.empty() && msg[0] == '!') {
      ++failed;
      std::fprintf(stderr, "tessera sweep: rank %d: %s\n", from, msg.c_str() + 1);
    } else if (!msg.empty()) {
      const nlohmann::json record = nlohmann::json::parse(msg);
      log.append(record);
      ++ran;
      if (options.progress) print_point_progress(skipped + ran, points.size(), record);
    }
    long long index = next < unfinished.size() ? unfinished[next++] : -1;
    if (index < 0) --active;
    MPI_Send(&index, 1, MPI_LONG_LONG, from, kTagWork, MPI_COMM_WORLD);
  }
  std::printf("sweep: %zu points: %zu run on %d ranks, %zu already done, %zu failed; results in %s/results.csv\n",
              points.size(), ran, ranks - 1, skipped, failed, options.out_dir.c_str());
  return failed ? 1 : 0;
}

void work(const SweepSpec& spec, const std::vector<SweepPoint>& points) {
  const std::string exe = self_executable();
  std::string result;  // nothing to report on the first request
  for (;;) {
    send_string(result, 0, kTagResult);
    long long index = -1;
    MPI_Recv(&index, 1, MPI_LONG_LONG, 0, kTagWork, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (index < 0 || size_t(index) >= points.size()) return;
    try {
      result = run_point(exe, spec, points[size_t(index)]).dump();
    } catch (const std::exception& e) {
      result = std::string("!") + e.what();
    }
  }
}

}  // namespace

int run_sweep_mpi(const SweepSpec& spec, const std::vector<SweepPoint>& points, const SweepOptions& options) {
  MPI_Init(nullptr, nullptr);
  int rank = 0, ranks = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  int code = 0;
  try {
    if (ranks == 1) {
      ResultsLog log(options.out_dir, spec);
      const SweepOutcome o = run_sweep_local(spec, points, log, options);
      std::printf("sweep: %zu points: %zu run, %zu already done, %zu failed; results in %s/results.csv\n", o.points,
                  o.ran, o.skipped, o.failed, options.out_dir.c_str());
      code = o.failed ? 1 : 0;
    } else if (rank == 0) {
      code = coordinate(spec, points, options, ranks);
    } else {
      work(spec, points);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tessera sweep: rank %d: %s\n", rank, e.what());
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  MPI_Finalize();
  return code;
}

}  // namespace tessera::sweep
