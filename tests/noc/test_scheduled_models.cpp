// Ideal and packet NoC models: latencies derived by hand from the default pipeline (BookSim2's router:
// routing 1 + VC alloc 1 + switch alloc 1 + switch traversal 1 = 4 cycles per router, plus a 1-cycle link,
// so 5 cycles per hop), flits = ceil(bytes / 32) + 1 header flit, and 1 cycle from the endpoint into its
// router (the minimum injection latency).
#include <catch2/catch.hpp>

#include "noc/noc_model.h"
#include "noc/routing.h"
#include "sim/base/stats_registry.h"

using namespace tessera::noc;

namespace {

NocConfig torus(int w, int h, Fidelity f) {
  NocConfig c;
  c.width = w;
  c.height = h;
  c.topology = Topology::torus;
  c.fidelity = f;
  return c;
}

std::vector<Delivery> run_all(NocModel& model) {
  std::vector<Delivery> out;
  model.advance_to(kNever - 1, out, false);
  return out;
}

}  // namespace

TEST_CASE("ideal model: zero-load latency is 1 + hops x 5 + router 4 + serialisation", "[noc][ideal]") {
  auto model = make_noc_model(torus(8, 8, Fidelity::ideal));
  // (0,0) -> (3,2): 3 + 2 = 5 hops; 64 bytes = 2 payload flits + 1 header = 3 flits.
  // 1 + 5 * 5 + 4 + (3 - 1) = 32 cycles.
  model->inject({1, 0, {2 * 8 + 3}, 64}, 100);
  CHECK(model->next_event_cycle() == 132);
  auto d = run_all(*model);
  REQUIRE(d.size() == 1);
  CHECK(d[0].cycle == 132);
  CHECK(model->next_event_cycle() == kNever);
}

TEST_CASE("ideal model: wrap-around takes the short way", "[noc][ideal]") {
  auto model = make_noc_model(torus(8, 8, Fidelity::ideal));
  // (0,0) -> (7,7): 1 hop west + 1 hop north on the rings. 1 header-only flit: 1 + 2*5 + 4 = 15.
  model->inject({1, 0, {63}, 0}, 0);
  auto d = run_all(*model);
  REQUIRE(d.size() == 1);
  CHECK(d[0].cycle == 15);
}

TEST_CASE("packet model: contention on a shared link delays the second packet", "[noc][packet]") {
  auto model = make_noc_model(torus(8, 8, Fidelity::packet));
  // A: (0,0) -> (3,0), 3 flits. Head reaches router 0 at 1, leaves it at 5, router 1 at 10, router 2 at
  // 15, ejects at 20; tail delivered at 20 + 2 = 22 (= zero load 1 + 3*5 + 4 + 2).
  model->inject({1, 0, {3}, 64}, 0);
  // B: (1,0) -> (3,0), 3 flits, injected at 5: its head is ready for link (1,0)east at 5 + 1 + 4 = 10,
  // which A holds for 10..12: B leaves at 13, reaches router 2 at 14, ready at 18 for its east link (A's
  // until 17, free): leaves at 18, reaches router 3 at 19, ready to eject at 23 (A ejects 20..22): tail
  // at 23 + 2 = 25, 3 cycles later than alone (5 + 1 + 2*5 + 4 + 2 = 22).
  model->inject({2, 1, {3}, 64}, 5);
  auto d = run_all(*model);
  REQUIRE(d.size() == 2);
  CHECK(d[0].id == 1);
  CHECK(d[0].cycle == 22);
  CHECK(d[1].id == 2);
  CHECK(d[1].cycle == 25);
}

TEST_CASE("packet model: a packet reaching a link first is not held up by a later reservation", "[noc][packet]") {
  auto model = make_noc_model(torus(8, 8, Fidelity::packet));
  // A: (0,0) -> (3,0) reserves link (1,0)east for 10..12. B: (1,0) -> (2,0), injected at the same cycle,
  // is ready for that link at 1 + 4 = 5 and fits before A: zero load, 1 + 5 + 4 + 2 = 12.
  model->inject({1, 0, {3}, 64}, 0);
  model->inject({2, 1, {2}, 64}, 0);
  auto d = run_all(*model);
  REQUIRE(d.size() == 2);
  CHECK(d[0].id == 2);
  CHECK(d[0].cycle == 12);
  CHECK(d[1].cycle == 22);
}

TEST_CASE("packet model: long messages split into packets that follow back to back", "[noc][packet]") {
  NocConfig c = torus(8, 8, Fidelity::packet);
  c.max_packet_bytes = 64;
  auto model = make_noc_model(c);
  // 128 bytes = two packets of 2 + 1 = 3 flits; 1 hop. First tail: 1 + 5 + 4 + 2 = 12; the second
  // packet enters 3 cycles later and never waits: 15.
  model->inject({7, 0, {1}, 128}, 0);
  auto d = run_all(*model);
  REQUIRE(d.size() == 1);
  CHECK(d[0].cycle == 15);
  tessera::StatsRegistry stats;
  model->report_stats(stats, "noc.");
  CHECK(stats.get("noc.packets") == 2);
  CHECK(stats.get("noc.link.0_0.east.flits") == 6);
}

TEST_CASE("multicast follows an X-then-Y tree and crosses each link once", "[noc][packet][multicast]") {
  for (Fidelity f : {Fidelity::packet, Fidelity::ideal}) {
    auto model = make_noc_model(torus(8, 8, f));
    // (0,0) to (2,0), (2,1), (1,1): links 0_0.east, 1_0.east, 2_0.south, 1_0.south; 2 flits each.
    model->inject({1, 0, {2, 8 + 2, 8 + 1}, 32}, 0);
    auto d = run_all(*model);
    REQUIRE(d.size() == 1);
    // Farthest destination (2,1) is 3 hops: 1 + 3*5 + 4 + 1 = 21.
    CHECK(d[0].cycle == 21);
    tessera::StatsRegistry stats;
    model->report_stats(stats, "noc.");
    CHECK(stats.get("noc.link.0_0.east.flits") == 2);
    CHECK(stats.get("noc.link.1_0.east.flits") == 2);
    CHECK(stats.get("noc.link.2_0.south.flits") == 2);
    CHECK(stats.get("noc.link.1_0.south.flits") == 2);
    CHECK(stats.get("noc.flit_hops") == 8);
    CHECK(stats.with_prefix("noc.link.").size() == 4);  // four links, one flits series each
  }
}

TEST_CASE("tt_dual: NoC1 carries what is shorter going north and west", "[noc][packet][tt_dual]") {
  NocConfig c = torus(8, 8, Fidelity::packet);
  c.topology = Topology::tt_dual;
  c.noc_select = NocSelect::shortest;
  auto model = make_noc_model(c);
  // (3,3) -> (2,3): NoC0 must go east 7 hops round the ring; NoC1 goes west 1 hop: 1 + 5 + 4 = 10.
  model->inject({1, 3 * 8 + 3, {3 * 8 + 2}, 0}, 0);
  auto d = run_all(*model);
  REQUIRE(d.size() == 1);
  CHECK(d[0].cycle == 10);
  tessera::StatsRegistry stats;
  model->report_stats(stats, "noc.");
  CHECK(stats.get("noc.noc1.link.3_3.west.flits") == 1);

  c.noc_select = NocSelect::fixed;
  auto fixed = make_noc_model(c);
  fixed->inject({1, 3 * 8 + 3, {3 * 8 + 2}, 0}, 0);
  d = run_all(*fixed);
  CHECK(d[0].cycle == 1 + 7 * 5 + 4);
}

TEST_CASE("routing: dimension order on rings, with wrap-around", "[noc][routing]") {
  Network net{Grid{8, 8, true}, RoutingKind::minimal_xy};
  CHECK(hop_count(net, 0, 63) == 2);
  CHECK(next_direction(net, 0, 7, 0) == kWest);      // (0,0) -> (7,0): west over the wrap link
  CHECK(next_direction(net, 0, 8 * 6, 0) == kNorth);  // (0,0) -> (0,6): north over the wrap link
  CHECK(next_direction(net, 0, 4, 0) == kEast);       // half a ring: tie bit 0 -> east
  CHECK(next_direction(net, 0, 4, 1) == kWest);       // tie bit 1 -> west
  CHECK(next_direction(net, 9, 9, 0) == kLocal);
  Network mesh{Grid{8, 8, false}, RoutingKind::minimal_xy};
  CHECK(next_direction(mesh, 0, 7, 0) == kEast);
  CHECK(hop_count(mesh, 0, 63) == 14);
  Network noc1{Grid{8, 8, true}, RoutingKind::north_then_west};
  CHECK(next_direction(noc1, 9, 8, 0) == kWest);   // same row: X only
  CHECK(next_direction(noc1, 9, 17, 0) == kNorth); // (1,1) -> (1,2): north round the ring, 7 hops
  CHECK(hop_count(noc1, 9, 17) == 7);
}
