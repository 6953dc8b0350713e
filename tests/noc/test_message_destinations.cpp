// A message that names one destination twice (a DRAM read landing in two buffers of one core) delivers
// one copy there and completes like the same message naming it once. Before this rule the flit model
// waited for a second copy that never came (the whole-chip Mixtral run on wormhole_n150 hung), and the
// packet model booked the node's ejection port twice.
#include <catch2/catch.hpp>

#include "noc/noc_model.h"

using namespace tessera::noc;

namespace {

NocConfig torus8(Fidelity fidelity) {
  NocConfig c;
  c.width = 8;
  c.height = 8;
  c.topology = Topology::torus;
  c.fidelity = fidelity;
  return c;
}

}  // namespace

TEST_CASE("a destination listed twice receives one copy and the message completes", "[noc][flit]") {
  // From (0,0) to (5,0) (3 hops west over the wrap link) and (1,1) (2 hops), 64 B: one multicast packet of
  // 2 payload flits + 1 header. BookSim2's router: 1 cycle into the router, 5 per hop, 4 in the last
  // router, 2 more flits behind the head: 1 + 3 x 5 + 4 + 2 = 22 cycles at zero load, on every model.
  for (Fidelity f : {Fidelity::flit, Fidelity::packet, Fidelity::ideal}) {
    INFO("model " << to_string(f));
    auto model = make_noc_model(torus8(f));
    model->inject({7, 0, {5, 9, 5}, 64}, 100);
    std::vector<Delivery> d;
    model->advance_to(kNever - 1, d, false);
    REQUIRE(d.size() == 1);
    CHECK(d[0].id == 7);
    CHECK(d[0].cycle - 100 == 22);
    CHECK(model->next_event_cycle() == kNever);
  }
}

TEST_CASE("a multicast whose destinations are all one node is that node's unicast", "[noc][flit]") {
  // (0,0) -> (1,1): 2 hops; 1 KiB = 32 payload flits + 1 header as a unicast (a multicast would be cut
  // into packets that fit one 8-flit VC buffer): 1 + 2 x 5 + 4 + 32 = 47.
  for (Fidelity f : {Fidelity::flit, Fidelity::packet, Fidelity::ideal}) {
    INFO("model " << to_string(f));
    auto model = make_noc_model(torus8(f));
    model->inject({3, 0, {9, 9}, 1024}, 0);
    std::vector<Delivery> d;
    model->advance_to(kNever - 1, d, false);
    REQUIRE(d.size() == 1);
    CHECK(d[0].cycle == 47);
  }
}
