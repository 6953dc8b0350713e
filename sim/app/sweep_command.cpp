// tessera sweep: runs every point of a sweep spec (a base config, traces, config axes) as its own
// `tessera run` child process, N at a time, appending each result to DIR/results.csv and results.jsonl.
// Under mpirun the points spread over the ranks instead (sim/sweep/sweep_mpi.cpp).
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <unistd.h>

#include "sim/app/cli_support.h"
#include "sim/app/commands.h"
#include "sim/base/errors.h"
#include "sim/sweep/results_log.h"
#include "sim/sweep/sweep_runner.h"
#include "sim/sweep/sweep_spec.h"

namespace tessera::app {
namespace {

// Under mpirun only rank 0 prints input errors, so a bad spec is reported once.
bool is_secondary_mpi_rank() {
  const char* rank = std::getenv("OMPI_COMM_WORLD_RANK");
  if (!rank) rank = std::getenv("PMI_RANK");
  return rank && std::string(rank) != "0";
}

}  // namespace

int sweep_command(int argc, char** argv) {
  return guarded("sweep", [&] {
    po::options_description options("tessera sweep options");
    options.add_options()
        ("help,h", "show this help")
        ("spec", po::value<std::string>()->required(), "sweep spec (JSON): base config, traces, axes")
        ("jobs,j", po::value<int>()->default_value(1), "points run at the same time (child processes)")
        ("out,o", po::value<std::string>(), "directory for results.csv and results.jsonl (default: sweep_<spec name>)")
        ("quiet,q", "no progress on stderr");
    po::positional_options_description positional;
    positional.add("spec", 1);
    po::variables_map vm;
    if (!parse_options(argc, argv, options, &positional, vm, "usage: tessera sweep SPEC.json [-j N] [--out DIR]"))
      return 0;
    const std::string spec_path = vm["spec"].as<std::string>();
    sweep::SweepOptions opts;
    opts.jobs = vm["jobs"].as<int>();
    if (opts.jobs < 1) throw InputError("--jobs " + std::to_string(opts.jobs) + ": expected at least 1");
    opts.out_dir = vm.count("out") ? vm["out"].as<std::string>()
                                   : "sweep_" + std::filesystem::path(spec_path).stem().string();
    opts.progress = !vm.count("quiet") && ::isatty(STDERR_FILENO);

    sweep::SweepSpec spec;
    std::vector<sweep::SweepPoint> points;
    try {
      spec = sweep::read_sweep_spec(spec_path);
      points = sweep::sweep_points(spec);
      sweep::validate_sweep(spec, points);  // every point's config, before any point runs
    } catch (const InputError& e) {
      if (is_secondary_mpi_rank()) return 2;
      throw;
    }
    std::error_code ec;
    std::filesystem::create_directories(opts.out_dir, ec);
    if (ec || !std::filesystem::is_directory(opts.out_dir))
      throw InputError("--out " + opts.out_dir + ": cannot create the output directory");

    if (sweep::launched_under_mpi()) {
#ifdef TESSERA_HAVE_MPI
      return sweep::run_sweep_mpi(spec, points, opts);
#else
      if (is_secondary_mpi_rank()) return 1;
      throw std::runtime_error("launched under mpirun, but this tessera was built without MPI (OpenMPI was not "
                               "found at build time); run the sweep without mpirun, or install libopenmpi-dev and rebuild");
#endif
    }
    sweep::ResultsLog log(opts.out_dir, spec);
    const sweep::SweepOutcome o = sweep::run_sweep_local(spec, points, log, opts);
    std::printf("sweep: %zu points: %zu run, %zu already done, %zu failed; results in %s/results.csv\n", o.points, o.ran,
                o.skipped, o.failed, opts.out_dir.c_str());
    return o.failed ? 1 : 0;
  });
}

}  // namespace tessera::app
