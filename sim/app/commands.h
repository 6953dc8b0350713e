#pragma once
// The tessera subcommands. Each returns the process exit code: 0 success, 2 bad input, 1 internal error.
namespace tessera::app {

int run_command(int argc, char** argv);         // tessera run
int validate_command(int argc, char** argv);    // tessera validate
int info_command(int argc, char** argv);        // tessera info
int trace_info_command(int argc, char** argv);  // tessera trace-info
int noc_command(int argc, char** argv);         // tessera noc (synthetic traffic, BookSim2 configs)
int sweep_command(int argc, char** argv);       // tessera sweep
int noc_trace_command(int argc, char** argv);   // tessera noc-trace (replay a tt-metal NoC trace)
int compare_command(int argc, char** argv);     // tessera compare (two runs side by side)
int system_validate_command(int argc, char** argv);  // tessera validate --system
int system_info_command(int argc, char** argv);      // tessera info --system
int collective_command(int argc, char** argv);       // tessera collective (collectives on a system)
int system_noc_trace_command(int argc, char** argv); // tessera noc-trace --system (a multi-chip trace)
int system_run_command(int argc, char** argv);       // tessera run --system (a trace split over the chips)

}  // namespace tessera::app
