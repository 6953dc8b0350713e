// tessera noc-trace TRACE --system S: replays a multi-chip NoC + fabric trace, each device's events on
// its chip's NoC model, NIUs and DRAM channels, and compares each device's modelled span with its
// measured one (sim/system/fabric_trace.h says what a fabric write becomes).
#include <algorithm>
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "sim/app/cli_support.h"
#include "sim/app/commands.h"
#include "sim/base/errors.h"
#include "sim/noc_trace/trace_replay.h"
#include "sim/system/fabric_trace.h"
#include "sim/system/system_loader.h"

namespace tessera::app {

int system_noc_trace_command(int argc, char** argv) {
  return guarded("noc-trace", [&] {
    po::options_description options("tessera noc-trace --system options");
    options.add_options()("help,h", "show this help")
        ("trace", po::value<std::string>(), "multi-chip NoC trace (JSON)")
        ("system,s", po::value<std::string>()->required(), "system config (configs/systems/*.json)")
        ("topology", po::value<std::string>(), "the trace's topology file (tt-metal channel pairs), checked against the system")
        ("issue", po::value<std::string>()->default_value("recorded"), "recorded | engine")
        ("set", po::value<std::vector<std::string>>()->composing(), "override a key of the system config")
        ("json", "print one JSON object");
    po::positional_options_description positional;
    positional.add("trace", 1);
    po::variables_map vm;
    if (!parse_options(argc, argv, options, &positional, vm,
                       "usage: tessera noc-trace TRACE --system S [--topology T] [--issue recorded|engine] [--json]"))
      return 0;
    if (!vm.count("trace")) throw InputError("give a NoC trace (see --help)");
    const std::string issue = vm["issue"].as<std::string>();
    if (issue != "recorded" && issue != "engine") throw InputError("--issue: expected recorded or engine, got '" + issue + "'");
    const auto overrides = vm.count("set") ? vm["set"].as<std::vector<std::string>>() : std::vector<std::string>{};
    const system::SystemConfig s = system::load_system_config(vm["system"].as<std::string>(), overrides);
    if (vm.count("topology")) system::check_fabric_topology(vm["topology"].as<std::string>(), s);
    const system::FabricTrace trace = system::read_fabric_trace(vm["trace"].as<std::string>(), s);
    nlohmann::json devices = nlohmann::json::array();
    uint64_t predicted = 0, golden = 0;
    for (const auto& d : trace.devices) {
      ArchConfig chip = s.chips[size_t(d.device)];
      chip.noc.fidelity = noc::Fidelity::flit;  // as tessera noc-trace checks one chip: the flit-level NoC
      const auto r = noc_trace::replay_noc_trace(d.trace, chip, issue == "engine" ? noc_trace::IssueMode::engine
                                                                                    : noc_trace::IssueMode::recorded);
      predicted = std::max(predicted, r.predicted_cycles);
      golden = std::max(golden, r.golden_cycles);
      devices.push_back({{"device", d.device}, {"events", d.trace.events.size()}, {"fabric_writes", d.fabric_writes},
                         {"fabric_bytes", d.fabric_bytes}, {"predicted_cycles", r.predicted_cycles},
                         {"golden_cycles", r.golden_cycles}, {"error", r.error}});
    }
    const double error = golden ? (double(predicted) - double(golden)) / double(golden) : 0.0;
    const nlohmann::json out = {{"trace", trace.file}, {"system", s.name}, {"issue", issue},
                                {"predicted_cycles", predicted}, {"golden_cycles", golden}, {"error", error},
                                {"markers_without_device", trace.markers_without_device}, {"devices", devices}};
    if (vm.count("json")) {
      std::cout << out.dump() << "\n";
      return 0;
    }
    std::printf("%s on %s (%s issue): %zu devices\n", trace.file.c_str(), s.name.c_str(), issue.c_str(),
                trace.devices.size());
    for (const auto& d : devices)
      std::printf("  device %d: %zu events, %d fabric writes; predicted %llu cycles, measured %llu, error %+.1f%%\n",
                  d["device"].get<int>(), d["events"].get<size_t>(), d["fabric_writes"].get<int>(),
                  (unsigned long long)d["predicted_cycles"].get<uint64_t>(),
                  (unsigned long long)d["golden_cycles"].get<uint64_t>(), 100 * d["error"].get<double>());
    std::printf("predicted_cycles %llu (the longest device), measured %llu, error %+.1f%%\n", (unsigned long long)predicted,
                (unsigned long long)golden, 100 * error);
    return 0;
  });
}

}  // namespace tessera::app
