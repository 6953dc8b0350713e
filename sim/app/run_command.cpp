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
#include "sim/report/progress_meter.h"
#include "sim/report/report.h"
#include "sim/report/report_files.h"
#include "sim/report/summary_text.h"
#include "sim/report/run_outputs.h"
#include "sim/workload/trace_reader.h"

namespace tessera::app {
namespace {

// Images per run: the batch dimension of a conv net's input; 0 for graphs without images.
int64_t image_batch(const Graph& graph) {
  for (const Tensor& t : graph.tensors)
    if (t.kind == TensorKind::input && t.image) return t.shape[0];
  return 0;
}

// Ops the mapper fused into their producer's pack, by the op that does their work.
std::map<std::string, std::vector<std::string>> fused_ops(const Graph& graph, const Plan& plan) {
  std::map<std::string, std::vector<std::string>> out;
  // Plan ops by the source op they lower (op by op may insert ops of its own, which fuse nothing).
  std::map<int, size_t> plan_of;
  for (size_t i = 0; i < plan.ops.size(); ++i)
    plan_of[plan.ops[i].source_op >= 0 ? plan.ops[i].source_op : -1 - int(i)] = i;
  auto fused = [&](int source) {
    auto it = plan_of.find(source);
    return it != plan_of.end() && plan.ops[it->second].note.rfind("fused into the producer", 0) == 0;
  };
  for (size_t s = 0; s < graph.ops.size(); ++s) {
    if (!fused(int(s))) continue;
    int producer = int(s);
    while (producer >= 0 && fused(producer)) producer = graph.tensors[graph.ops[producer].inputs[0]].producer;
    if (producer >= 0 && plan_of.count(producer))
      out[plan.ops[plan_of[producer]].name].push_back(plan.ops[plan_of[int(s)]].name);
  }
  return out;
}

}  // namespace

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
        ("ops", po::value<std::string>(), "the summary's op table: \"top\" (the ten that took the most time, default) or \"all\"")
        ("quiet,q", "no progress on stderr");
    po::variables_map vm;
    if (!parse_options(argc, argv, options, nullptr, vm, "usage: tessera run --config C --trace T [--set k=v]... [--out DIR]"))
      return 0;
    const std::vector<std::string> overrides =
        vm.count("set") ? vm["set"].as<std::vector<std::string>>() : std::vector<std::string>{};
    const ArchConfig config = load_arch_config(vm["config"].as<std::string>(), overrides);
    // What the run used, after "extends" and --set: report.json's "config", itself a config file.
    const Json effective_config = effective_config_json(vm["config"].as<std::string>(), overrides);
    const Graph graph = read_trace(vm["trace"].as<std::string>());
    // Every output path is checked now, before mapping and simulating, and nothing is written until the
    // run has succeeded.
    const RunOutputs outputs(vm.count("out") ? vm["out"].as<std::string>() : "",
                             vm.count("dump-plan") ? vm["dump-plan"].as<std::string>() : "",
                             {vm["config"].as<std::string>(), vm["trace"].as<std::string>()});

    SummaryOptions summary_options;
    if (vm.count("ops")) {
      const std::string ops = vm["ops"].as<std::string>();
      if (ops != "all" && ops != "top") throw InputError("--ops " + ops + ": expected \"top\" or \"all\"");
      summary_options.all_ops = ops == "all";
    }

    const Plan plan = map_graph(config, graph);
    summary_options.fused_into = fused_ops(graph, plan);
    quiet_systemc_banner();
    // Progress only for a person watching: stderr is a terminal and --quiet was not given.
    std::unique_ptr<ProgressMeter> meter;
    if (!vm.count("quiet") && ::isatty(STDERR_FILENO)) meter = std::make_unique<ProgressMeter>(plan);
    MeteredChip chip(config, plan, meter.get());
    check_thread_stacks(config.chip.grid_width, config.chip.grid_height, plan.cores.size());
    if (meter) meter->start();
    const RunResult result = chip.run();
    meter.reset();
    nlohmann::json report = build_report(config, graph, plan, result);
    report["config"] = effective_config;
    if (const int64_t batch = image_batch(graph)) report["batch"] = batch;
    if (outputs.wants_report() || outputs.wants_plan())
      outputs.commit(outputs.wants_report() ? report_files(config, plan, result, report) : std::vector<NamedText>{},
                     outputs.wants_plan() ? plan.to_json().dump(1) + "\n" : std::string());
    if (vm.count("json")) std::cout << report.dump(2) << "\n";
    else std::cout << format_run_summary(report, summary_options);
    return 0;
  });
}

}  // namespace tessera::app
