#pragma once
// Runs a sweep's unfinished points on this machine, `jobs` child processes at a time, appending each
// finished point to the results log as soon as it is done.
#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/sweep/results_log.h"
#include "sim/sweep/sweep_spec.h"

namespace tessera::sweep {

struct SweepOptions {
  int jobs = 1;
  std::string out_dir;
  bool progress = false;  // a line per finished point on stderr
};

struct SweepOutcome {
  size_t points = 0;
  size_t skipped = 0;   // finished by an earlier run
  size_t ran = 0;
  size_t failed = 0;
};

SweepOutcome run_sweep_local(const SweepSpec& spec, const std::vector<SweepPoint>& points, ResultsLog& log,
                             const SweepOptions& options);

// Prints "[done/total] point: cycles, energy" on stderr.
void print_point_progress(size_t done, size_t total, const nlohmann::json& record);

// Whether this process was started by mpirun (OpenMPI's or a PMI launcher's environment).
bool launched_under_mpi();

#ifdef TESSERA_HAVE_MPI
// The sweep spread over MPI ranks: rank 0 hands out points and writes the results, the other ranks run
// them (defined in sweep_mpi.cpp). Returns the exit code.
int run_sweep_mpi(const SweepSpec& spec, const std::vector<SweepPoint>& points, const SweepOptions& options);
#endif

}  // namespace tessera::sweep
