// The multi-chip commands: tessera validate --system S and tessera info --system S check a system config
// and print what it implies (chips, links, links per chip pair, bisection bandwidth, summed peak TFLOPS);
// tessera collective --system S --trace T simulates collectives as data movement (docs/systems.md).
#include <cmath>
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "sim/app/cli_support.h"
#include "sim/app/commands.h"
#include "sim/base/errors.h"
#include "sim/system/collective_figures.h"
#include "sim/system/collective_plan.h"
#include "sim/system/collective_sim.h"
#include "sim/system/collective_trace.h"
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
    const double wire = double(e.max_payload_bytes) / double(system::wire_bytes(e, uint64_t(e.max_payload_bytes), header));
    std::printf("Ethernet        %zu links, %.2f GB/s per direction; %s fabric: %.0f ns per hop; the largest packet, "
                "%d B, carries %d B header and %d B framing per %d B frame: %.1f%% payload, %.2f GB/s\n",
                s.links.size(), e.gbytes_per_s, two_d ? "2-D" : "1-D", two_d ? e.latency_2d_ns : e.latency_1d_ns,
                e.max_payload_bytes, header, e.framing_bytes, e.frame_bytes, 100 * wire, e.gbytes_per_s * wire);
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

namespace tessera::app {

// tessera collective --system S --trace T: the trace's collectives as data movement, one after another.
int collective_command(int argc, char** argv) {
  return guarded("collective", [&] {
    auto options = system_options("tessera collective options");
    options.add_options()("trace,t", po::value<std::string>()->required(), "collective trace (scripts/gen_collective.py)")
        ("json", "print the results as JSON");
    po::variables_map vm;
    if (!parse_options(argc, argv, options, nullptr, vm, "usage: tessera collective --system S --trace T [--json]"))
      return 0;
    const system::SystemConfig s = system::load_system_config(vm["system"].as<std::string>(), overrides_of(vm));
    const system::CollectiveTrace trace = system::read_collective_trace(vm["trace"].as<std::string>());
    // Plan everything first: a bad collective anywhere in the trace stops before any output.
    std::vector<system::CollectivePlan> plans;
    for (const auto& c : trace.collectives) plans.push_back(system::plan_collective(s, c));
    nlohmann::json out = {{"system", s.name}, {"trace", trace.name}, {"collectives", nlohmann::json::array()}};
    uint64_t total = 0;
    for (size_t i = 0; i < plans.size(); ++i) {
      const auto& c = trace.collectives[i];
      const system::CollectiveRun run = system::simulate_collective(s, plans[i], c.dtype);
      const system::CollectiveFigures f = system::collective_figures(c, run.cycles, run.clock_ghz);
      total += run.cycles;
      nlohmann::json links = nlohmann::json::array();
      for (const auto& l : run.links) {
        const auto& link = s.links[size_t(l.link)];
        const auto& from = l.a_to_b ? link.a : link.b;
        const auto& to = l.a_to_b ? link.b : link.a;
        links.push_back({{"link", l.link}, {"from", {from.chip, from.core.x, from.core.y}},
                         {"to", {to.chip, to.core.x, to.core.y}}, {"packets", l.packets},
                         {"payload_bytes", l.payload_bytes}, {"wire_bytes", l.wire_bytes},
                         {"busy_cycles", std::round(l.busy_cycles)}, {"first_cycle", std::floor(l.first_cycle)},
                         {"last_cycle", std::ceil(l.last_cycle)},
                         {"utilisation", run.cycles ? l.busy_cycles / double(run.cycles) : 0.0}});
      }
      out["collectives"].push_back({{"op", system::to_string(c.op)}, {"chips", c.chips}, {"devices", plans[i].devices},
                                    {"topology", system::to_string(c.topology)}, {"links", c.links},
                                    {"bytes_per_chip", c.bytes_per_chip}, {"packet_bytes", c.packet_bytes},
                                    {"fabric", plans[i].two_d ? "2d" : "1d"}, {"cycles", run.cycles},
                                    {"us", f.seconds * 1e6}, {"algbw_gbps", f.algbw_gbps},
                                    {"busbw_gbps", f.busbw_gbps}, {"per_link_gbps", f.per_link_gbps},
                                    {"packets", run.transfers}, {"reduce_cycles", run.reduce_cycles},
                                    {"ops", run.ops}, {"launch_cycles", run.launch_cycles},
                                    {"semaphores", run.semaphores}, {"slot_wait_cycles", run.slot_wait_cycles},
                                    {"ethernet", links}});
    }
    out["total_cycles"] = total;
    if (vm.count("json")) {
      std::cout << out.dump(1) << "\n";
      return 0;
    }
    std::printf("system %s, trace %s\n", s.name.c_str(), trace.name.c_str());
    for (const auto& c : out["collectives"]) {
      std::printf("%s on %d chips (%s, %d link%s), %llu B per chip, devices %s\n",
                  c["op"].get<std::string>().c_str(), c["chips"].get<int>(), c["topology"].get<std::string>().c_str(),
                  c["links"].get<int>(), c["links"].get<int>() > 1 ? "s" : "",
                  (unsigned long long)c["bytes_per_chip"].get<uint64_t>(), c["devices"].dump().c_str());
      std::printf("  %llu cycles = %.2f us; algbw %.2f GB/s, busbw %.2f GB/s, %.2f GB/s per link\n",
                  (unsigned long long)c["cycles"].get<uint64_t>(), c["us"].get<double>(), c["algbw_gbps"].get<double>(),
                  c["busbw_gbps"].get<double>(), c["per_link_gbps"].get<double>());
      double busiest = 0;
      for (const auto& l : c["ethernet"]) busiest = std::max(busiest, l["utilisation"].get<double>());
      std::printf("  %zu link directions used, busiest %.1f%% busy; %llu packets\n", c["ethernet"].size(),
                  100 * busiest, (unsigned long long)c["packets"].get<uint64_t>());
      std::printf("  kernel costs: %d op%s, %llu cycles of launch; %llu semaphores; workers spun %llu cycles for sender slots\n",
                  c["ops"].get<int>(), c["ops"].get<int>() > 1 ? "s" : "",
                  (unsigned long long)c["launch_cycles"].get<uint64_t>(),
                  (unsigned long long)c["semaphores"].get<uint64_t>(),
                  (unsigned long long)c["slot_wait_cycles"].get<uint64_t>());
    }
    return 0;
  });
}

}  // namespace tessera::app
