// tessera validate and tessera info: check inputs, and the figures a config implies.
#include <algorithm>
#include <cstdio>
#include <iostream>

#include "core/compute_costs.h"
#include "sim/app/cli_support.h"
#include "sim/app/commands.h"
#include "sim/base/errors.h"
#include "sim/config/config_loader.h"
#include "sim/workload/trace_reader.h"

namespace tessera::app {
namespace {

std::vector<std::string> overrides_of(const po::variables_map& vm) {
  return vm.count("set") ? vm["set"].as<std::vector<std::string>>() : std::vector<std::string>{};
}

// Links a bisection cut crosses: each ring crosses a cut twice (once through its wrap-around link), a mesh
// row once; both directions count (tt_dual has one direction on each of its two NoCs).
double bisection_links(const noc::NocConfig& n) {
  const int per_ring = n.topology == noc::Topology::mesh ? 2 : 4;
  return double(per_ring) * std::min(n.width, n.height);
}

}  // namespace

int validate_command(int argc, char** argv) {
  return guarded("validate", [&] {
    po::options_description options("tessera validate options");
    options.add_options()("help,h", "show this help")
        ("config,c", po::value<std::string>(), "architecture config (JSON)")
        ("trace,t", po::value<std::string>(), "workload trace (JSON)")
        ("set", po::value<std::vector<std::string>>()->composing(), "override a config key");
    po::variables_map vm;
    if (!parse_options(argc, argv, options, nullptr, vm, "usage: tessera validate --config C [--trace T]")) return 0;
    if (!vm.count("config") && !vm.count("trace")) throw InputError("give --config and/or --trace (see --help)");
    if (vm.count("config")) {
      const ArchConfig c = load_arch_config(vm["config"].as<std::string>(), overrides_of(vm));
      std::cout << vm["config"].as<std::string>() << ": ok (" << c.chip.name << ", " << c.compute_cores().size()
                << " compute cores)\n";
    }
    if (vm.count("trace")) {
      const Graph g = read_trace(vm["trace"].as<std::string>());
      std::cout << vm["trace"].as<std::string>() << ": ok (" << g.name << ", " << g.ops.size() << " ops, "
                << g.tensors.size() << " tensors)\n";
    }
    return 0;
  });
}

int info_command(int argc, char** argv) {
  return guarded("info", [&] {
    po::options_description options("tessera info options");
    options.add_options()("help,h", "show this help")
        ("config,c", po::value<std::string>()->required(), "architecture config (JSON)")
        ("set", po::value<std::vector<std::string>>()->composing(), "override a config key");
    po::variables_map vm;
    if (!parse_options(argc, argv, options, nullptr, vm, "usage: tessera info --config C")) return 0;
    const ArchConfig c = load_arch_config(vm["config"].as<std::string>(), overrides_of(vm));
    const ComputeCosts costs(c.core);
    const size_t cores = c.compute_cores().size();
    const double hz = c.chip.clock_ghz * 1e9;
    std::printf("chip            %s\n", c.chip.name.c_str());
    std::printf("grid            %dx%d routers, compute grid %dx%d = %zu cores, %zu DRAM channels\n",
                c.chip.grid_width, c.chip.grid_height, c.chip.compute_width, c.chip.compute_height, cores,
                c.dram.positions.size());
    std::printf("clock           %.3f GHz\n", c.chip.clock_ghz);
    std::printf("peak TFLOPS     (matrix unit, all compute cores; the rate depends on fidelity, not format)\n");
    for (Fidelity f : {Fidelity::lofi, Fidelity::hifi2, Fidelity::hifi3, Fidelity::hifi4})
      std::printf("  %-6s        %8.2f\n", to_string(f), costs.peak_flops_per_cycle(f) * cores * hz / 1e12);
    std::printf("  full precision needs: bfp4/bfp2/fp8 lofi, bfp8 hifi2, bf16/fp16/fp32 hifi4\n");
    std::printf("SRAM            %u KiB per core, %.1f MiB total\n", c.core.sram_kib, c.core.sram_kib * double(cores) / 1024);
    const double link_gbs = c.noc.link_bytes_per_cycle * c.chip.clock_ghz;
    std::printf("NoC             %s, %d B/cycle links (%.1f GB/s), bisection %.1f GB/s\n", noc::to_string(c.noc.topology),
                c.noc.link_bytes_per_cycle, link_gbs, bisection_links(c.noc) * link_gbs);
    std::printf("DRAM            %zu channels x %.2f GB/s = %.1f GB/s\n", c.dram.positions.size(),
                c.dram.channel_bandwidth_gbps, c.dram.channel_bandwidth_gbps * c.dram.positions.size());
    return 0;
  });
}

}  // namespace tessera::app
