// Per-window link load recorded by the NoC models, against windows worked out by hand. Default pipeline:
// 4 router cycles + a 1-cycle link per hop, 1 cycle from the endpoint into its router; 1024 bytes are
// 32 payload flits + 1 header = 33 flits, which cross each link one per cycle.
#include <catch2/catch.hpp>

#include <stdexcept>

#include "noc/noc_model.h"
#include "sim/base/stats_registry.h"

using namespace tessera::noc;
using tessera::StatsRegistry;

namespace {

NocConfig torus8(Fidelity f) {
  NocConfig c;
  c.width = 8;
  c.height = 8;
  c.topology = Topology::torus;
  c.fidelity = f;
  return c;
}

void run_all(NocModel& model) {
  std::vector<Delivery> out;
  model.advance_to(kNever - 1, out, false);
}

}  // namespace

TEST_CASE("packet and ideal NoCs record each link's flits in the windows they crossed in", "[noc][stats]") {
  for (Fidelity f : {Fidelity::packet, Fidelity::ideal}) {
    auto model = make_noc_model(torus8(f));
    // (0,0) -> (3,0): links 0_0.east, 1_0.east, 2_0.east. The head reaches the source router at 1 and
    // leaves each router 4 cycles after reaching it, so the 33 flits cross link k in [5 + 5k, 38 + 5k).
    model->inject({1, 0, {3}, 1024}, 0);
    run_all(*model);
    StatsRegistry stats;
    stats.set_windows(16, 4);
    model->report_stats(stats, "noc.");
    // Windows [0,16) [16,32) [32,48) [48,64).
    CHECK(stats.windows("noc.link.0_0.east.flits") == std::vector<double>{11, 16, 6, 0});
    CHECK(stats.windows("noc.link.1_0.east.flits") == std::vector<double>{6, 16, 11, 0});
    CHECK(stats.windows("noc.link.2_0.east.flits") == std::vector<double>{1, 16, 16, 0});
    CHECK(stats.get("noc.link.2_0.east.flits") == 33);
    CHECK(stats.windows("noc.direction.east.flits") == std::vector<double>{18, 48, 33, 0});
    CHECK(stats.windows("noc.direction.west.flits") == std::vector<double>{0, 0, 0, 0});
    CHECK(stats.get("noc.flit_hops") == 99);
    CHECK(stats.get("noc.messages") == 1);
    CHECK(stats.get("noc.payload_bytes") == 1024);
  }
}

TEST_CASE("a late message widens the window instead of growing the series", "[noc][stats]") {
  auto model = make_noc_model(torus8(Fidelity::packet));
  // The last flit crosses link 2_0.east at 100000 + 47: 1024 windows need 128 cycles each (100047 / 128
  // = 781.6), and every flit of the message falls in window 781, [99968, 100096).
  model->inject({1, 0, {3}, 1024}, 100000);
  run_all(*model);
  StatsRegistry stats;
  stats.set_windows(128, 782);
  model->report_stats(stats, "noc.");
  for (const char* link : {"noc.link.0_0.east.flits", "noc.link.1_0.east.flits", "noc.link.2_0.east.flits"}) {
    const std::vector<double>& w = stats.windows(link);
    REQUIRE(w.size() == 782);
    CHECK(w[781] == 33);
    CHECK(stats.get(link) == 33);
  }
  // Windows shorter than the ones the NoC kept cannot be recovered.
  StatsRegistry too_fine;
  too_fine.set_windows(64, 1564);
  CHECK_THROWS_AS(model->report_stats(too_fine, "noc."), std::logic_error);
  // Nor can flits after the last window.
  StatsRegistry too_short;
  too_short.set_windows(128, 700);
  CHECK_THROWS_AS(model->report_stats(too_short, "noc."), std::logic_error);
}

TEST_CASE("the flit NoC records one flit per cycle per link, a hop apart", "[noc][stats][flit]") {
  auto model = make_noc_model(torus8(Fidelity::flit));
  model->inject({1, 0, {3}, 1024}, 0);
  std::vector<Delivery> d;
  model->advance_to(kNever - 1, d, false);
  REQUIRE(d.size() == 1);
  // Zero load: 1 + 5 x 3 + 4 + 32 = 52 cycles to the last flit's delivery.
  REQUIRE(d[0].cycle == 52);
  StatsRegistry stats;
  stats.set_windows(1, 64);
  model->report_stats(stats, "noc.");
  std::vector<size_t> first;
  for (const char* link : {"noc.link.0_0.east.flits", "noc.link.1_0.east.flits", "noc.link.2_0.east.flits"}) {
    const std::vector<double>& w = stats.windows(link);
    REQUIRE(w.size() == 64);
    size_t f = 0;
    while (f < w.size() && w[f] == 0) ++f;
    first.push_back(f);
    // The 33 flits stream back to back: one in each of 33 consecutive cycles, nothing else.
    for (size_t c = 0; c < w.size(); ++c) CHECK(w[c] == (c >= f && c < f + 33 ? 1 : 0));
  }
  CHECK(first[1] == first[0] + 5);
  CHECK(first[2] == first[1] + 5);
  CHECK(first[0] >= 1);
  CHECK(first[2] + 33 <= 52);
}
