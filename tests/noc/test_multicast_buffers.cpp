// Tree multicast cannot deadlock because a multicast's packets are cut to fit one VC buffer, so a branching
// router can hold a whole packet while one branch waits. A VC buffer no longer than the header leaves no
// room for that: with vc_buf_flits = header_flits = 1 the flit NoC deadlocked on YOLOv6-n. Such a network
// now refuses multicasts (and the config loader refuses it), instead of cutting packets that do not fit.
#include <catch2/catch.hpp>

#include <stdexcept>

#include "noc/noc_model.h"
#include "noc/packetization.h"

using namespace tessera::noc;

namespace {

NocConfig dual4(int vc_buf_flits, int header_flits, Fidelity fidelity = Fidelity::flit) {
  NocConfig c;
  c.width = 4;
  c.height = 4;
  c.topology = Topology::tt_dual;
  c.fidelity = fidelity;
  c.vc_buf_flits = vc_buf_flits;
  c.header_flits = header_flits;
  return c;
}

// Every node multicasts 256 B to the other nodes of its row and of the row below, all at cycle 0.
size_t all_to_rows(NocModel& model) {
  size_t messages = 0;
  for (int src = 0; src < 16; ++src) {
    Message m{static_cast<uint64_t>(src + 1), src, {}, 256};
    const int row = src / 4;
    for (int r : {row, (row + 1) % 4})
      for (int x = 0; x < 4; ++x)
        if (r * 4 + x != src) m.dsts.push_back(r * 4 + x);
    model.inject(m, 0);
    ++messages;
  }
  return messages;
}

}  // namespace

TEST_CASE("multicast packets are cut to fit one VC buffer", "[noc][flit]") {
  // 256 B at 32 B per flit is 8 payload flits; a 3-flit buffer with a 1-flit header carries 2 per packet.
  CHECK(packet_flit_counts(dual4(3, 1), 256, /*multicast=*/true) == std::vector<uint32_t>{3, 3, 3, 3});
  // A unicast is not cut: one packet of 8 + 1 flits.
  CHECK(packet_flit_counts(dual4(3, 1), 256, /*multicast=*/false) == std::vector<uint32_t>{9});
  // No payload flit fits beside the header: no multicast packet can be cut.
  CHECK_THROWS_AS(packet_flit_counts(dual4(1, 1), 256, true), std::invalid_argument);
  CHECK_NOTHROW(packet_flit_counts(dual4(1, 1), 256, false));
}

TEST_CASE("every model refuses a multicast that cannot fit a VC buffer", "[noc][flit]") {
  for (Fidelity f : {Fidelity::flit, Fidelity::packet, Fidelity::ideal}) {
    INFO("model " << to_string(f));
    auto model = make_noc_model(dual4(1, 1, f));
    CHECK_THROWS_AS(model->inject({1, 0, {1, 2}, 256}, 0), std::invalid_argument);
  }
}

TEST_CASE("row multicasts from every node finish when packets fit the buffers", "[noc][flit]") {
  // The smallest buffers that hold a multicast packet: 1 header + 1 payload flit.
  auto model = make_noc_model(dual4(2, 1));
  const size_t messages = all_to_rows(*model);
  std::vector<Delivery> d;
  model->advance_to(kNever - 1, d, false);
  CHECK(d.size() == messages);
  CHECK(model->next_event_cycle() == kNever);
}
