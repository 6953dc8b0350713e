// tessera validate --system S, tessera info --system S: check a multi-chip system config and print what
// it implies (chips, links, links per chip pair, bisection bandwidth, summed peak TFLOPS).
#include <cstdio>
#include <iostream>

#include "sim/app/cli_support.h"
#include "sim/app/commands.h"
#include "sim/base/errors.h"
#include "sim/system/system_figures.h"
#include "sim/system/system_loader.h"

namespace tessera::app {
namespace {

std::vector<std::string> overrides_of(const po::variables_map& vm) {
  return vm.count("set") ? vm["set"].as<std::vector<std::string>>() : std::vector<std::string>{};
}

po::options_description system_options(const char* title) {
  po::options_description options(title);
  options.add_options()("help,h", "show this help")
      ("system,s", po::value<std::string>()->required(), "system config (configs/systems/*.json)")
      ("set", po::value<std::vector<std::string>>()->composing(), "override a key of the system config");
  return options;
}

}  // namespace

int system_validate_command(int argc, char** argv) {
  return guarded("validate", [&] {
    const auto options = system_options("tessera validate --system options");
    po::variables_map vm;
    if (!parse_options(argc, argv, options, nullptr, vm, "usage: tessera validate --system S")) return 0;
    const system::SystemConfig s = system::load_system_config(vm["system"].as<std::string>(), overrides_of(vm));
    std::cout << vm["system"].as<std::string>() << ": ok (" << s.name << ", " << s.num_chips() << " chips, "
              << s.links.size() << " Ethernet links)\n";
    return 0;
  });
}

int system_info_command(int argc, char** argv) {
  return guarded("info", [&] {
    const auto options = system_options("tessera info --system options");
    po::variables_map vm;
    if (!parse_options(argc, argv, options, nullptr, vm, "usage: tessera info --system S")) return 0;
    const system::SystemConfig s = system::load_system_config(vm["system"].as<std::string>(), overrides_of(vm));
    std::printf("system          %s\n", s.name.c_str());
    std::printf("chips           %d (%s), device grid %dx%d (columns x rows), %s routing%s%s\n", s.num_chips(),
                s.chips[0].chip.name.c_str(), s.cols, s.rows, system::to_string(s.routing),
                s.wrap_x ? ", rows wrap" : "", s.wrap_y ? ", columns wrap" : "");
    std::printf("devices        ");
    for (int r = 0; r < s.rows; ++r) {
      std::printf(" [");
      for (int c = 0; c < s.cols; ++c) std::printf(c ? " %d" : "%d", s.device_at[size_t(r * s.cols + c)]);
      std::printf("]");
    }
    std::printf("\n");
    const auto& e = s.ethernet;
    const bool two_d = s.routing == system::Routing::mesh || s.routing == system::Routing::torus;
    const int header = two_d ? e.fabric_header_2d_bytes : e.fabric_header_1d_bytes;
    const double wire = double(e.payload_bytes) / (e.payload_bytes + header + e.framing_bytes);
    std::printf("Ethernet        %zu links, %.2f GB/s per direction; %s fabric: %.0f ns per hop, %d B packets carry "
                "%d B header and %d B framing: %.1f%% payload, %.2f GB/s\n",
                s.links.size(), e.gbytes_per_s, two_d ? "2-D" : "1-D", two_d ? e.latency_2d_ns : e.latency_1d_ns,
                e.payload_bytes, header, e.framing_bytes, 100 * wire, e.gbytes_per_s * wire);
    std::printf("links per pair ");
    for (const auto& [pair, n] : system::links_per_pair(s)) std::printf(" %d-%d:%d", pair.first, pair.second, n);
    std::printf("\n");
    const system::Bisection b = system::bisection(s);
    std::printf("bisection       %d links across the middle of the %s, %.1f GB/s (both directions)\n", b.links,
                b.across_x ? "columns" : "rows", b.gbytes_per_s);
    std::printf("peak TFLOPS     lofi %.1f, hifi2 %.1f, hifi4 %.1f (all chips' compute cores)\n",
                system::peak_tflops(s, Fidelity::lofi), system::peak_tflops(s, Fidelity::hifi2),
                system::peak_tflops(s, Fidelity::hifi4));
    return 0;
  });
}

}  // namespace tessera::app
