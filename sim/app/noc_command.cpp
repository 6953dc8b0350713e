// tessera noc: synthetic traffic on the flit-level NoC, measured as BookSim2 measures it, from a Tessera
// architecture config or from a BookSim2 configuration file.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "noc/traffic/booksim_config.h"
#include "noc/traffic/synthetic_run.h"
#include "noc/traffic/traffic_pattern.h"
#include "sim/app/cli_support.h"
#include "sim/app/commands.h"
#include "sim/base/errors.h"
#include "sim/config/config_loader.h"

namespace tessera::app {
namespace {

const char* kUsage =
    "usage: tessera noc --config C --traffic T --rate R --packet-flits P [--seed S] [--cycles N] [--sweep] [--json]\n"
    "       tessera noc --booksim-config FILE [--rate R] [--seed S] [--cycles N] [--sweep] [--json]\n"
    "Simulates synthetic traffic on the flit-level NoC the way BookSim2 measures it: Bernoulli injection into\n"
    "infinite source queues, warm-up and sample periods, a drain, and a latency threshold beyond which the\n"
    "run is unstable. Rates are flits per node per cycle. --sweep steps the rate by --rate-step until the\n"
    "network saturates and reports the saturation throughput (the highest accepted rate).\n"
    "Traffic: uniform, transpose, bitcomp, bitrev, shuffle, tornado, neighbor, hotspot.";

nlohmann::json to_json(const noc::SyntheticResult& r) {
  return {{"offered_flits_per_node_cycle", r.offered_flits_per_node_cycle},
          {"accepted_flits_per_node_cycle", r.accepted_flits_per_node_cycle},
          {"avg_packet_latency", r.avg_packet_latency},
          {"avg_network_latency", r.avg_network_latency},
          {"avg_hops", r.avg_hops},
          {"measured_packets", r.measured_packets},
          {"simulated_cycles", r.simulated_cycles},
          {"flit_hops", r.flit_hops},
          {"unstable", r.unstable}};
}

void print_text(const noc::SyntheticResult& r) {
  std::printf("Packet latency average = %.4f\n", r.avg_packet_latency);
  std::printf("Network latency average = %.4f\n", r.avg_network_latency);
  std::printf("Accepted flit rate average = %.6f\n", r.accepted_flits_per_node_cycle);
  std::printf("Offered flit rate = %.6f\n", r.offered_flits_per_node_cycle);
  std::printf("Hops average = %.4f\n", r.avg_hops);
  std::printf("Measured packets = %llu\n", static_cast<unsigned long long>(r.measured_packets));
  std::printf("Simulated cycles = %llu\n", static_cast<unsigned long long>(r.simulated_cycles));
  std::printf("Flit hops = %llu\n", static_cast<unsigned long long>(r.flit_hops));
  std::printf("Unstable = %s\n", r.unstable ? "yes" : "no");
}

int run(int argc, char** argv) {
  po::options_description options("tessera noc options");
  options.add_options()("help,h", "show this help")
      ("config", po::value<std::string>(), "Tessera architecture config (JSON); its noc section is simulated")
      ("set", po::value<std::vector<std::string>>()->composing(), "config override a.b=value (repeatable)")
      ("booksim-config", po::value<std::string>(), "BookSim2 configuration file to replay")
      ("traffic", po::value<std::string>(), "traffic pattern (default uniform)")
      ("rate", po::value<double>(), "offered load, flits per node per cycle")
      ("packet-flits", po::value<int>(), "flits per packet (default 1)")
      ("seed", po::value<long long>(), "random seed (0 to 2^63-1)")
      ("cycles", po::value<long long>(), "measure exactly this many cycles after warm-up (at least 1)")
      ("sweep", "step the rate until saturation")
      ("rate-step", po::value<double>()->default_value(0.02), "rate step of --sweep")
      ("json", "print one JSON object");
  po::variables_map vm;
  if (!parse_options(argc, argv, options, nullptr, vm, kUsage)) return 0;

  const bool booksim = vm.count("booksim-config") != 0;
  if (booksim == (vm.count("config") != 0)) throw InputError("give exactly one of --config and --booksim-config (see --help)");
  noc::SyntheticSetup setup;
  if (booksim) {
    for (const char* flag : {"traffic", "packet-flits", "set"})
      if (vm.count(flag)) throw InputError(std::string("--") + flag + " does not apply to --booksim-config; set it in the file");
    setup = noc::read_booksim_config(vm["booksim-config"].as<std::string>());
  } else {
    std::vector<std::string> overrides;
    if (vm.count("set")) overrides = vm["set"].as<std::vector<std::string>>();
    ArchConfig arch = load_arch_config(vm["config"].as<std::string>(), overrides);
    setup.network = arch.noc;
    setup.network.fidelity = noc::Fidelity::flit;
    setup.injection_rate_uses_flits = true;
    if (!vm.count("rate") && !vm.count("sweep")) throw InputError("--rate is required with --config (see --help)");
    setup.traffic = vm.count("traffic") ? vm["traffic"].as<std::string>() : "uniform";
    setup.packet_flits = vm.count("packet-flits") ? vm["packet-flits"].as<int>() : 1;
  }
  if (vm.count("rate")) setup.injection_rate = vm["rate"].as<double>();
  // Signed on the command line, so that -5 is refused rather than read as 2^64 - 5.
  if (vm.count("seed")) {
    if (vm["seed"].as<long long>() < 0) throw InputError("--seed must be a non-negative integer");
    setup.seed = static_cast<unsigned long long>(vm["seed"].as<long long>());
  }
  if (vm.count("cycles")) {
    const long long cycles = vm["cycles"].as<long long>();
    if (cycles < 1 || cycles > 1000000000000LL) throw InputError("--cycles must be an integer in [1, 10^12]");
    setup.fixed_cycles = static_cast<unsigned long long>(cycles);
  }
  if (setup.packet_flits < 1 || setup.packet_flits > 1024) throw InputError("--packet-flits must be in [1, 1024]");
  if (!(setup.injection_rate > 0) || setup.injection_rate > 1)
    throw InputError("the injection rate must be in (0, 1] flits per node per cycle");
  std::string why;
  if (!noc::traffic_pattern_fits(setup.traffic, noc::Grid{setup.network.width, setup.network.height, true}, &why))
    throw InputError(why + " (traffic: uniform, transpose, bitcomp, bitrev, shuffle, tornado, neighbor, hotspot)");
  auto simulate = [&](const noc::SyntheticSetup& s) {
    try {
      return noc::run_synthetic(s);
    } catch (const std::invalid_argument& e) {
      throw InputError(e.what());
    }
  };

  const bool json = vm.count("json") != 0;
  if (!vm.count("sweep")) {
    noc::SyntheticResult r = simulate(setup);
    if (json) std::cout << to_json(r).dump() << "\n";
    else print_text(r);
    return 0;
  }
  const double step = vm["rate-step"].as<double>();
  if (!(step > 0) || step > 1) throw InputError("--rate-step must be in (0, 1]");
  nlohmann::json points = nlohmann::json::array();
  double saturation = 0;
  if (!json) std::printf("offered,avg_packet_latency,avg_network_latency,accepted,avg_hops,unstable\n");
  for (int i = 1; i * step <= 1.0 + 1e-9; ++i) {
    noc::SyntheticSetup s = setup;
    s.injection_rate = i * step;
    noc::SyntheticResult r = simulate(s);
    points.push_back(to_json(r));
    if (!json)
      std::printf("%.4f,%.4f,%.4f,%.6f,%.4f,%d\n", r.offered_flits_per_node_cycle, r.avg_packet_latency,
                  r.avg_network_latency, r.accepted_flits_per_node_cycle, r.avg_hops, r.unstable ? 1 : 0);
    if (r.unstable) break;
    saturation = std::max(saturation, r.accepted_flits_per_node_cycle);
  }
  if (json) std::cout << nlohmann::json{{"points", points}, {"saturation_flits_per_node_cycle", saturation}}.dump() << "\n";
  else std::printf("Saturation throughput = %.6f flits/node/cycle\n", saturation);
  return 0;
}

}  // namespace

int noc_command(int argc, char** argv) {
  return guarded("noc", [&] { return run(argc, argv); });
}

}  // namespace tessera::app
