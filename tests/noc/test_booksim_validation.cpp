// The flit model against BookSim2 on the same networks (tests/data/booksim, copied from BookSim2 runs):
// 8x8 torus and mesh, dimension-order routing, 2 VCs x 8 flits, uniform traffic, 1-flit packets. Short
// runs (one warm-up period, 3000 measured cycles) at low and mid load, where the curves are flat enough
// for a short run to land within 5% of the reference latency and accepted rate.
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "noc/traffic/booksim_config.h"
#include "noc/traffic/synthetic_run.h"

using namespace tessera::noc;

namespace {

const std::string kData = std::string(TESSERA_SOURCE_DIR) + "/tests/data/booksim/";

struct Reference {
  double packet_latency;
  double accepted;
};

// offered rate -> BookSim2's figures, from the CSV next to the config.
std::map<double, Reference> read_reference(const std::string& csv) {
  std::ifstream in(kData + csv);
  REQUIRE(in);
  std::string line;
  std::getline(in, line);  // header
  std::map<double, Reference> out;
  while (std::getline(in, line)) {
    std::stringstream fields(line);
    std::string offered, packet, network, accepted;
    std::getline(fields, offered, ',');
    std::getline(fields, packet, ',');
    std::getline(fields, network, ',');
    std::getline(fields, accepted, ',');
    if (accepted.empty()) continue;  // unstable in BookSim2
    out[std::stod(offered)] = Reference{std::stod(packet), std::stod(accepted)};
  }
  return out;
}

void check_against_booksim(const std::string& name) {
  auto reference = read_reference(name + ".csv");
  SyntheticSetup setup = read_booksim_config(kData + name + ".cfg");
  setup.warmup_periods = 1;
  setup.fixed_cycles = 3000;
  for (double rate : {0.05, 0.2}) {
    REQUIRE(reference.count(rate) == 1);
    setup.injection_rate = rate;
    SyntheticResult r = run_synthetic(setup);
    INFO(name << " at " << rate << ": latency " << r.avg_packet_latency << " vs " << reference[rate].packet_latency
              << ", accepted " << r.accepted_flits_per_node_cycle << " vs " << reference[rate].accepted);
    CHECK_FALSE(r.unstable);
    CHECK(r.avg_packet_latency == Approx(reference[rate].packet_latency).epsilon(0.05));
    CHECK(r.accepted_flits_per_node_cycle == Approx(reference[rate].accepted).epsilon(0.05));
  }
}

}  // namespace

TEST_CASE("flit model matches BookSim2 on the 8x8 torus", "[noc][flit][booksim]") {
  check_against_booksim("torus8_uniform_p1");
}

TEST_CASE("flit model matches BookSim2 on the 8x8 mesh", "[noc][flit][booksim]") {
  check_against_booksim("mesh8_uniform_p1");
}

TEST_CASE("BookSim2 zero-load latency: 7 cycles outside the routers plus 4 per router and the link", "[noc][flit][booksim]") {
  // One packet alone: torus links take 2 cycles, mesh links 1, so a hop costs 6 and 5 cycles; the
  // injection channel (1), ejection channel (1) and retirement (1) add 3, the destination router 4.
  for (const char* name : {"torus8_uniform_p1", "mesh8_uniform_p1"}) {
    SyntheticSetup setup = read_booksim_config(kData + std::string(name) + ".cfg");
    flit::FlitNetwork net(setup.network);
    net.enqueue_packet(0, 0, {3 * 8 + 2}, 1, 10, 0, 0);  // (0,0) -> (2,3): 5 hops on both
    net.run_until(1000, false);
    REQUIRE(net.retired().size() == 1);
    const uint64_t per_hop = std::string(name).rfind("torus", 0) == 0 ? 6 : 5;
    CHECK(net.retired()[0].delivered - 10 == 3 + 4 + 5 * per_hop);
  }
}
