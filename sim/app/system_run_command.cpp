// tessera run --system S --trace T: the trace split over the system's chips (mapper.parallel), each chip's
// stages on its SystemC chip model, the collectives between them on the Ethernet fabric (docs/systems.md).
#include <fstream>
#include <iostream>

#include <nlohmann/json.hpp>

#include "sim/app/cli_support.h"
#include "sim/app/commands.h"
#include "sim/app/elaboration_capacity.h"
#include "sim/base/errors.h"
#include "sim/report/run_outputs.h"
#include "sim/system/parallel_split.h"
#include "sim/system/system_loader.h"
#include "sim/system/system_run.h"
#include "sim/workload/trace_reader.h"

namespace tessera::app {
namespace {

// --set keys of the system file itself; every other key is a chip config key, applied to each chip.
bool system_key(const std::string& kv) {
  for (const char* prefix : {"system.", "ethernet.", "ccl.", "links", "description"})
    if (kv.rfind(prefix, 0) == 0) return true;
  return false;
}

}  // namespace

int system_run_command(int argc, char** argv) {
  return guarded("run", [&] {
    po::options_description options("tessera run --system options");
    options.add_options()("help,h", "show this help")
        ("system,s", po::value<std::string>()->required(), "system config (configs/systems/*.json)")
        ("trace,t", po::value<std::string>()->required(), "workload trace (JSON)")
        ("set", po::value<std::vector<std::string>>()->composing(),
         "override a key: system.*, ethernet.* of the system file, anything else of every chip (mapper.parallel=tensor)")
        ("out,o", po::value<std::string>(), "directory for the report files (report.json, timeline.json, report.html)")
        ("json", "print report.json on stdout instead of the summary")
        ("quiet,q", "accepted for symmetry with tessera run (a system run prints no progress)");
    po::variables_map vm;
    if (!parse_options(argc, argv, options, nullptr, vm, "usage: tessera run --system S --trace T [--set k=v]... [--out DIR]"))
      return 0;
    std::vector<std::string> system_overrides, chip_overrides;
    if (vm.count("set"))
      for (const auto& kv : vm["set"].as<std::vector<std::string>>())
        (system_key(kv) ? system_overrides : chip_overrides).push_back(kv);
    const std::string system_file = vm["system"].as<std::string>(), trace_file = vm["trace"].as<std::string>();
    const system::SystemConfig s = system::load_system_config(system_file, system_overrides, chip_overrides);
    const Graph graph = read_trace(trace_file);
    std::ifstream in(trace_file);
    const nlohmann::json trace = nlohmann::json::parse(in);  // read_trace has parsed it already
    const RunOutputs outputs(vm.count("out") ? vm["out"].as<std::string>() : "", "", {system_file, trace_file});
    for (int d = 1; d < s.num_chips(); ++d)
      if (s.chips[size_t(d)].mapper.parallel != s.chips[0].mapper.parallel)
        throw InputError(s.chip_files[size_t(d)] + ": /mapper/parallel: expected the same mode on every chip of " + s.name +
                         " (" + s.chip_files[0] + " has " + to_string(s.chips[0].mapper.parallel) + ")");
    const system::SystemWorkload w = system::split_for_system(s, trace, graph, trace_file, s.chips[0].mapper.parallel);
    quiet_systemc_banner();
    const system::SystemRun run = system::run_system(s, w, [&](size_t cores) {
      check_thread_stacks(s.chips[0].chip.grid_width, s.chips[0].chip.grid_height, cores);
    });
    const nlohmann::json report = system::system_report(s, w, run, graph);
    if (outputs.wants_report())
      outputs.commit({{"report.json", report.dump(1) + "\n"}, {"timeline.json", system::system_timeline_json(s, run)},
                      {"report.html", system::system_html(s, report)}},
                     "");
    if (vm.count("json")) std::cout << report.dump(2) << "\n";
    else std::cout << system::format_system_summary(report);
    return 0;
  });
}

}  // namespace tessera::app
