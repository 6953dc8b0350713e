// tessera noc-trace: replays a tt-metal NoC trace (tt-npe's format) on the configured chip's NoC, NIUs and
// DRAM and compares the modelled duration with the one measured on silicon.
#include <iostream>
#include <string>
#include <vector>

#include "sim/app/cli_support.h"
#include "sim/app/commands.h"
#include "sim/base/errors.h"
#include "sim/config/config_loader.h"
#include "sim/noc_trace/noc_trace.h"
#include "sim/noc_trace/replay_outputs.h"
#include "sim/noc_trace/trace_replay.h"

namespace tessera::app {
namespace {

const char* kUsage =
    "usage: tessera noc-trace TRACE.json --config C [--issue recorded|engine] [--set a.b=v] [--json] [--out DIR]\n"
    "Replays a tt-metal NoC trace (tt-npe's format, physical NoC coordinates) on the chip of config C, on\n"
    "the flit-level NoC (--set noc.model=packet for the packet model).\n"
    "  --issue recorded  each call at its recorded timestamp; the models decide when data lands (default)\n"
    "  --issue engine    only each RISC-V's order is kept; calls issue as fast as the data-movement engine\n"
    "                    (packet_manager.engine in the config) allows\n"
    "Prints predicted and golden (measured) cycles and the error; --out writes timeline.json (Perfetto) and\n"
    "links.csv.";

int run(int argc, char** argv) {
  po::options_description options("tessera noc-trace options");
  options.add_options()("help,h", "show this help")
      ("trace", po::value<std::string>(), "NoC trace (JSON)")
      ("config", po::value<std::string>(), "architecture config (JSON)")
      ("set", po::value<std::vector<std::string>>()->composing(), "config override a.b=value (repeatable)")
      ("issue", po::value<std::string>()->default_value("recorded"), "recorded | engine")
      ("json", "print one JSON object")
      ("out", po::value<std::string>(), "directory for timeline.json and links.csv");
  po::positional_options_description positional;
  positional.add("trace", 1);
  po::variables_map vm;
  if (!parse_options(argc, argv, options, &positional, vm, kUsage)) return 0;
  if (!vm.count("trace")) throw InputError("give a NoC trace (see --help)");
  if (!vm.count("config")) throw InputError("--config is required (see --help)");
  const std::string issue = vm["issue"].as<std::string>();
  if (issue != "recorded" && issue != "engine") throw InputError("--issue: expected recorded or engine, got '" + issue + "'");
  std::vector<std::string> overrides;
  if (vm.count("set")) overrides = vm["set"].as<std::vector<std::string>>();
  ArchConfig arch = load_arch_config(vm["config"].as<std::string>(), overrides);
  // The check is of the flit-level NoC unless the user names another model.
  bool model_given = false;
  for (const std::string& o : overrides) model_given |= o.rfind("noc.model=", 0) == 0;
  if (!model_given) arch.noc.fidelity = noc::Fidelity::flit;
  const noc_trace::NocTrace trace = noc_trace::read_noc_trace(vm["trace"].as<std::string>());
  const noc_trace::ReplayResult r = noc_trace::replay_noc_trace(
      trace, arch, issue == "engine" ? noc_trace::IssueMode::engine : noc_trace::IssueMode::recorded);
  if (vm.count("out")) noc_trace::write_replay_outputs(vm["out"].as<std::string>(), r, arch.chip.clock_ghz);
  if (vm.count("json")) std::cout << noc_trace::replay_json(trace, r, arch.chip.clock_ghz).dump() << "\n";
  else std::cout << noc_trace::replay_text(trace, r);
  return 0;
}

}  // namespace

int noc_trace_command(int argc, char** argv) {
  return guarded("noc-trace", [&] { return run(argc, argv); });
}

}  // namespace tessera::app
