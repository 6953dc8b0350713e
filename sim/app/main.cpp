// tessera: the command line. It only parses, loads, maps, builds, runs and reports; the work is in the
// library. Exit codes: 0 success, 2 bad input (config, trace, flag), 1 internal error.
#include <cstdio>
#include <cstring>
#include <string>

#include <systemc>

#include "sim/app/cli_support.h"
#include "sim/app/commands.h"

namespace {

const char* kUsage =
    "usage: tessera <command> [options]\n"
    "\n"
    "commands:\n"
    "  run         simulate a workload trace on an architecture config (or split over a system's chips:\n"
    "              --system) and report cycles\n"
    "  validate    check a config (and a trace), or a multi-chip system (--system), without simulating\n"
    "  info        derived figures of a config (peak TFLOPS, SRAM, NoC and DRAM bandwidth) or of a system\n"
    "  trace-info  op counts, MACs, params and tensor bytes of a trace\n"
    "  noc         synthetic NoC traffic, or a BookSim2 configuration file\n"
    "  noc-trace   replay a tt-metal NoC trace and compare with its measured duration\n"
    "  sweep       run a config sweep (axes x traces) in parallel processes or under mpirun\n"
    "  compare     two runs side by side (their --out directories or report.json files)\n"
    "  collective  simulate collectives (all_gather, all_reduce, ...) as data movement on a multi-chip system\n"
    "\n"
    "Run 'tessera <command> --help' for a command's options.\n";

// Whether a run/validate/info/noc-trace command is about a multi-chip system (--system / -s) rather than a chip.
bool names_system(int argc, char** argv) {
  for (int i = 2; i < argc; ++i)
    if (!std::strcmp(argv[i], "--system") || !std::strcmp(argv[i], "-s") || !std::strncmp(argv[i], "--system=", 9))
      return true;
  return false;
}

}  // namespace

// SystemC's kernel runs sc_main; main only silences its banner first, so stdout carries results alone.
int main(int argc, char** argv) {
  tessera::app::quiet_systemc_banner();
  return sc_core::sc_elab_and_sim(argc, argv);
}

extern "C" int sc_main(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  const std::string command = argv[1];
  using namespace tessera::app;
  if ((command == "validate" || command == "info") && names_system(argc, argv))
    return command == "validate" ? system_validate_command(argc - 1, argv + 1) : system_info_command(argc - 1, argv + 1);
  if (command == "noc-trace" && names_system(argc, argv)) return system_noc_trace_command(argc - 1, argv + 1);
  if (command == "run" && names_system(argc, argv)) return system_run_command(argc - 1, argv + 1);
  if (command == "run") return run_command(argc - 1, argv + 1);
  if (command == "validate") return validate_command(argc - 1, argv + 1);
  if (command == "info") return info_command(argc - 1, argv + 1);
  if (command == "trace-info") return trace_info_command(argc - 1, argv + 1);
  if (command == "noc") return noc_command(argc - 1, argv + 1);
  if (command == "noc-trace") return noc_trace_command(argc - 1, argv + 1);
  if (command == "sweep") return sweep_command(argc - 1, argv + 1);
  if (command == "compare") return compare_command(argc - 1, argv + 1);
  if (command == "collective") return collective_command(argc - 1, argv + 1);
  std::fprintf(stderr, "tessera: unknown command '%s'\n\n%s", command.c_str(), kUsage);
  return 2;
}
