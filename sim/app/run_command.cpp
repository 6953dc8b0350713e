// tessera run: config + trace -> mapping -> SystemC chip -> summary and report files.
#include <iostream>
#include <memory>

#include <unistd.h>

#include "sim/app/cli_support.h"
#include "sim/app/commands.h"
#include "sim/app/elaboration_capacity.h"
#include "sim/chip/chip.h"
#include "sim/base/errors.h"
#include "sim/config/config_loader.h"
#include "sim/mapper/mapper.h"
#include "sim/report/energy_summary.h"
#include "sim/report/progress_meter.h"
#include "sim/report/report.h"
#include "sim/report/report_files.h"
#include "sim/report/run_outputs.h"
#include "sim/workload/trace_reader.h"

namespace tessera::app {

int run_command(int argc, char** argv) {
  return guarded("run", [&] {
    po::options_description options("tessera run options");
    options.add_options()
        ("help,h", "show this help")
        ("config,c", po::value<std::string>()->required(), "architecture config (JSON)")
        ("trace,t", po::value<std::string>()->required(), "workload trace (JSON)")
        ("set", po::value<std::vector<std::string>>()->composing(), "override a config key: --set noc.model=flit")
        ("out,o", po::value<std::string>(), "directory for the report files (report.json, CSVs, timeline, heatmaps, report.html)")
        ("dump-plan", po::value<std::string>(), "write the mapper's plan as JSON to this file")
        ("json", "print report.json on stdout instead of the summary")
        ("quiet,q", "no progress on stderr");
    po::variables_map vm;
    if (!parse_options(argc, argv, options, nullptr, vm, "usage: tessera run --config C --trace T [--set k=v]... [--out DIR]"))
      return 0;
    const std::vector<std::string> overrides =
        vm.count("set") ? vm["set"].as<std::vector<std::string>>() : std::vector<std::string>{};
    const ArchConfig config = load_arch_config(vm["config"].as<std::string>(), overrides);
    const Graph graph = read_trace(vm["trace"].as<std::string>());
    // Every output path is checked now, before mapping and simulating, and nothing is written until the
    // run has succeeded.
    const RunOutputs outputs(vm.count("out") ? vm["out"].as<std::string>() : "",
                             vm.count("dump-plan") ? vm["dump-plan"].as<std::string>() : "",
                             {vm["config"].as<std::string>(), vm["trace"].as<std::string>()});

    const Plan plan = map_graph(config, graph);
    quiet_systemc_banner();
    // Progress only for a person watching: stderr is a terminal and --quiet was not given.
    std::unique_ptr<ProgressMeter> meter;
    if (!vm.count("quiet") && ::isatty(STDERR_FILENO)) meter = std::make_unique<ProgressMeter>(plan);
    MeteredChip chip(config, plan, meter.get());
    check_thread_stacks(config.chip.grid_width, config.chip.grid_height, plan.cores.size());
    if (meter) meter->start();
    const RunResult result = chip.run();
    meter.reset();
    const nlohmann::json report = build_report(config, graph, plan, result);
    if (outputs.wants_report() || outputs.wants_plan())
      outputs.commit(outputs.wants_report() ? report_files(config, plan, result, report) : std::vector<NamedText>{},
                     outputs.wants_plan() ? plan.to_json().dump(1) + "\n" : std::string());
    if (vm.count("json")) std::cout << report.dump(2) << "\n";
    else std::cout << format_summary(report) << format_energy_summary(report);
    return 0;
  });
}

}  // namespace tessera::app
