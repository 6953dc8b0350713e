// The flit-level model against latencies derived by hand. Default pipeline (BookSim2's): routing 1 +
// VC allocation 1 + switch allocation 1 + switch traversal 1 = 4 cycles per router, 1-cycle links, so a
// head takes 5 cycles per hop; 1 cycle from the endpoint into its router; flits = ceil(bytes / 32) + 1.
// Zero load: 1 + 5 x hops + 4 (the destination router) + (flits - 1).
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

#include "noc/flit/flit_network.h"
#include "noc/noc_model.h"
#include "sim/base/stats_registry.h"

using namespace tessera::noc;

namespace {

NocConfig grid(int w, int h, Topology topology, Fidelity fidelity = Fidelity::flit) {
  NocConfig c;
  c.width = w;
  c.height = h;
  c.topology = topology;
  c.fidelity = fidelity;
  return c;
}

uint64_t single_latency(const NocConfig& c, int src, int dst, uint64_t bytes, uint64_t at = 50) {
  auto model = make_noc_model(c);
  model->inject({1, src, {dst}, bytes}, at);
  std::vector<Delivery> d;
  model->advance_to(kNever - 1, d, false);
  REQUIRE(d.size() == 1);
  return d[0].cycle - at;
}

}  // namespace

TEST_CASE("flit model: zero-load latency of single packets on every topology", "[noc][flit]") {
  NocConfig torus = grid(8, 8, Topology::torus);
  // (0,0) -> (3,2): 5 hops, 64 B = 3 flits: 1 + 25 + 4 + 2 = 32.
  CHECK(single_latency(torus, 0, 2 * 8 + 3, 64) == 32);
  // (0,0) -> (7,7): 1 hop west + 1 hop north over the wrap links, 1 flit: 1 + 10 + 4 = 15.
  CHECK(single_latency(torus, 0, 63, 0) == 15);
  // To itself: through its own router only: 1 + 4 = 5.
  CHECK(single_latency(torus, 9, 9, 0) == 5);

  NocConfig mesh = grid(8, 8, Topology::mesh);
  // (0,0) -> (7,7) on the mesh: 14 hops: 1 + 70 + 4 = 75.
  CHECK(single_latency(mesh, 0, 63, 0) == 75);
  // 1 KiB = 32 payload flits + 1 header: (1,1) -> (2,1): 1 + 5 + 4 + 32 = 42.
  CHECK(single_latency(mesh, 9, 10, 1024) == 42);

  NocConfig dual = grid(8, 8, Topology::tt_dual);
  dual.noc_select = NocSelect::fixed;
  // NoC0 only goes east and south: (3,3) -> (2,3) is 7 hops east round the ring: 1 + 35 + 4 = 40.
  CHECK(single_latency(dual, 27, 26, 0) == 40);
  dual.noc_select = NocSelect::shortest;
  // NoC1 goes west: 1 hop: 1 + 5 + 4 = 10.
  CHECK(single_latency(dual, 27, 26, 0) == 10);

  // Tenstorrent-like: 9 cycles per hop (router 8 + link 1), 5 cycles in and out of the NIU. (0,0) -> (2,0):
  // 5 + 2 x 9 + 8 + 5 = 36 for one flit.
  NocConfig tt = grid(8, 8, Topology::torus);
  tt.delays = RouterDelays{2, 2, 2, 0, 2, 1, 0};
  tt.injection_latency = 5;
  tt.ejection_latency = 5;
  CHECK(single_latency(tt, 0, 2, 0) == 36);
}

TEST_CASE("flit, packet and ideal models agree on an empty network", "[noc][flit][packet][ideal]") {
  std::mt19937_64 rng(7);
  for (Topology topology : {Topology::torus, Topology::mesh, Topology::tt_dual}) {
    NocConfig c = grid(6, 5, topology);
    for (int trial = 0; trial < 20; ++trial) {
      int src = static_cast<int>(rng() % 30), dst = static_cast<int>(rng() % 30);
      uint64_t bytes = rng() % 300;
      c.fidelity = Fidelity::flit;
      uint64_t flit = single_latency(c, src, dst, bytes);
      c.fidelity = Fidelity::packet;
      uint64_t packet = single_latency(c, src, dst, bytes);
      c.fidelity = Fidelity::ideal;
      uint64_t ideal = single_latency(c, src, dst, bytes);
      INFO("topology " << to_string(topology) << " " << src << " -> " << dst << ", " << bytes << " B");
      CHECK(flit == ideal);
      CHECK(packet == ideal);
    }
  }
}

TEST_CASE("flit model: dimension order over the wrap-around links", "[noc][flit][routing]") {
  auto model = make_noc_model(grid(8, 8, Topology::torus));
  // (1,6) -> (6,0): X first, 3 hops west via the wrap link (0,6)->(7,6), then 2 hops south via (6,7)->(6,0).
  model->inject({1, 6 * 8 + 1, {6}, 0}, 0);
  std::vector<Delivery> d;
  model->advance_to(kNever - 1, d, false);
  REQUIRE(d.size() == 1);
  CHECK(d[0].cycle == 1 + 5 * 5 + 4);
  tessera::StatsRegistry stats;
  model->report_stats(stats, "noc.");
  CHECK(stats.get("noc.link.1_6.west.flits") == 1);
  CHECK(stats.get("noc.link.0_6.west.flits") == 1);
  CHECK(stats.get("noc.link.7_6.west.flits") == 1);
  CHECK(stats.get("noc.link.6_6.south.flits") == 1);
  CHECK(stats.get("noc.link.6_7.south.flits") == 1);
  CHECK(stats.get("noc.flit_hops") == 5);
}

TEST_CASE("flit model: multicast follows the X-then-Y tree, each link once", "[noc][flit][multicast]") {
  auto model = make_noc_model(grid(8, 8, Topology::torus));
  // (0,0) to (2,0), (2,1), (1,1), 2 flits each: links 0_0.east, 1_0.east, 1_0.south, 2_0.south. Branching
  // routers copy a flit to all their outputs in the same cycle, so the farthest destination (3 hops)
  // sees zero load: 1 + 15 + 4 + 1 = 21.
  model->inject({1, 0, {2, 8 + 2, 8 + 1}, 32}, 0);
  std::vector<Delivery> d;
  model->advance_to(kNever - 1, d, false);
  REQUIRE(d.size() == 1);
  CHECK(d[0].cycle == 21);
  tessera::StatsRegistry stats;
  model->report_stats(stats, "noc.");
  CHECK(stats.get("noc.link.0_0.east.flits") == 2);
  CHECK(stats.get("noc.link.1_0.east.flits") == 2);
  CHECK(stats.get("noc.link.1_0.south.flits") == 2);
  CHECK(stats.get("noc.link.2_0.south.flits") == 2);
  CHECK(stats.get("noc.flit_hops") == 8);
}

TEST_CASE("flit model: credits never exceed the buffer size under heavy load", "[noc][flit][credits]") {
  NocConfig c = grid(4, 4, Topology::torus);
  c.vc_buf_flits = 3;
  flit::FlitNetwork net(c);
  std::mt19937_64 rng(11);
  for (uint64_t t = 0; t < 3000; t += 10) {
    for (int src = 0; src < 16; ++src)
      net.enqueue_packet(0, src, {static_cast<int>(rng() % 16)}, 1 + static_cast<uint32_t>(rng() % 6), t,
                         static_cast<unsigned>(rng()), 0);
    net.run_until(t + 9, false);
    REQUIRE(net.check_invariants().empty());
  }
  net.run_until(kNever - 1, false);
  CHECK(net.idle());
  CHECK(net.check_invariants().empty());
}

TEST_CASE("flit model: a ring without dateline classes deadlocks and the watchdog names it", "[noc][flit][watchdog]") {
  // A ring of 5 routers, one VC, every node sends a 40-flit packet 2 hops east at once: each packet holds
  // the VC into the next router while waiting for the one after it, held by its neighbour's packet.
  NocConfig c = grid(5, 1, Topology::torus);
  c.num_vcs = 1;
  c.vc_buf_flits = 4;
  c.watchdog_cycles = 500;
  flit::FlitNetwork ring(c, flit::FlitOptions{false});
  for (int src = 0; src < 5; ++src) ring.enqueue_packet(0, src, {(src + 2) % 5}, 40, 0, 0, 0);
  try {
    ring.run_until(100000, false);
    FAIL("expected a deadlock");
  } catch (const flit::DeadlockError& e) {
    std::string what = e.what();
    CHECK(what.find("deadlock") != std::string::npos);
    CHECK(what.find("router 1_0 input west vc 0") != std::string::npos);
  }

  // The same traffic with two VCs and dateline classes drains.
  c.num_vcs = 2;
  flit::FlitNetwork safe(c);
  for (int src = 0; src < 5; ++src) safe.enqueue_packet(0, src, {(src + 2) % 5}, 40, 0, 0, 0);
  safe.run_until(100000, false);
  CHECK(safe.idle());
  CHECK(safe.retired().size() == 5);
}

TEST_CASE("flit model: a message sent in a cycle already simulated starts at once", "[noc][flit]") {
  // The chip sends after the NoC has run up to the current cycle: the head still leaves in that cycle, so
  // the latency is the zero-load one, (0,0) -> (3,0) with 3 flits: 1 + 15 + 4 + 2 = 22.
  auto model = make_noc_model(grid(8, 8, Topology::torus));
  std::vector<Delivery> d;
  model->advance_to(1000, d, false);
  model->inject({1, 0, {3}, 64}, 1000);
  model->advance_to(kNever - 1, d, false);
  REQUIRE(d.size() == 1);
  CHECK(d[0].cycle == 1022);
}

TEST_CASE("flit model: heavy multicast and unicast traffic drains on every topology", "[noc][flit][multicast]") {
  // Every node sends a 1 KiB multicast to 3 nodes and a 1 KiB unicast every 40 cycles, far past
  // saturation, with 4-flit VC buffers. Multicast packets are cut to the buffer size, so branch points never
  // wait on each other; everything must arrive, with credits intact.
  for (Topology topology : {Topology::torus, Topology::mesh, Topology::tt_dual}) {
    NocConfig c = grid(4, 4, topology);
    c.vc_buf_flits = 4;
    c.watchdog_cycles = 5000;
    auto model = make_noc_model(c);
    std::mt19937_64 rng(3);
    std::vector<Delivery> d;
    uint64_t id = 0;
    for (uint64_t t = 0; t < 2000; t += 40) {
      model->advance_to(t, d, false);
      for (int src = 0; src < 16; ++src) {
        std::vector<int> dsts;
        while (dsts.size() < 3) {
          int dst = static_cast<int>(rng() % 16);
          if (std::find(dsts.begin(), dsts.end(), dst) == dsts.end()) dsts.push_back(dst);
        }
        model->inject({id++, src, dsts, 1024}, t);
        model->inject({id++, src, {static_cast<int>(rng() % 16)}, 1024}, t);
      }
    }
    REQUIRE_NOTHROW(model->advance_to(kNever - 1, d, false));
    INFO("topology " << to_string(topology));
    CHECK(d.size() == id);
  }
}

TEST_CASE("flit model: buffered flit-cycles of a lone packet are routing + VC allocation per flit and router",
          "[noc][flit][occupancy]") {
  // With nothing in the way a flit waits in each router's buffer from its arrival through route computation
  // and VC allocation (its head's stages; body flits follow one cycle apart) and leaves when it wins the
  // switch: routing + vc_alloc cycles per flit in every router on its path, 0 in the others.
  for (const RouterDelays& delays : {RouterDelays{1, 1, 1, 0, 1, 1, 0}, RouterDelays{2, 2, 2, 0, 2, 1, 0}}) {
    NocConfig c = grid(4, 4, Topology::mesh);
    c.delays = delays;
    flit::FlitNetwork net(c);
    const uint32_t flits = 5;
    net.enqueue_packet(0, 4, {7}, flits, 10, 0, 0);  // (0,1) -> (3,1): routers 4, 5, 6, 7
    net.run_until(kNever - 1, false);
    REQUIRE(net.idle());
    const std::vector<uint64_t>& occupancy = net.occupancy_cycles();
    for (int r = 0; r < 16; ++r) {
      const uint64_t expected = r >= 4 && r <= 7 ? flits * uint64_t(delays.routing + delays.vc_alloc) : 0;
      CHECK(occupancy[r] == expected);
    }
  }
}

TEST_CASE("flit model: train moves change nothing but how often routers are stepped", "[noc][flit][trains]") {
  // The same traffic through two networks, one moving every flit in a step of its own cycle, the other
  // letting lone packets move trains of flits at once: deliveries (order, cycle, hops), buffer occupancy,
  // link counts and the cycles stepped must agree at every point the caller can look.
  struct Setup {
    Topology topology;
    RouterDelays delays;
    int injection_latency;
    int buffer;
    int gap = 30;  // cycles between bursts of packets, at most
  };
  // The last three leave routers' upstream neighbours empty often and have injection latencies well
  // above a hop, so that trains run longer than one hop's window (link_window).
  for (const Setup& s : {Setup{Topology::mesh, RouterDelays{1, 1, 1, 0, 1, 1, 0}, 1, 8},
                         Setup{Topology::torus, RouterDelays{2, 2, 2, 0, 2, 1, 0}, 5, 16},
                         Setup{Topology::tt_dual, RouterDelays{2, 2, 2, 0, 2, 1, 0}, 5, 4},
                         Setup{Topology::tt_dual, RouterDelays{1, 0, 1, 0, 1, 2, 1}, 3, 6},
                         Setup{Topology::torus, RouterDelays{1, 1, 1, 0, 1, 1, 0}, 1, 2},
                         Setup{Topology::mesh, RouterDelays{0, 0, 3, 1, 2, 3, 2}, 9, 5},
                         Setup{Topology::tt_dual, RouterDelays{2, 2, 2, 0, 2, 1, 0}, 5, 16, 120},
                         Setup{Topology::mesh, RouterDelays{2, 1, 1, 0, 1, 1, 0}, 12, 8, 80},
                         Setup{Topology::torus, RouterDelays{1, 1, 1, 0, 1, 1, 1}, 20, 6, 200}}) {
    NocConfig c = grid(5, 4, s.topology);
    c.delays = s.delays;
    c.injection_latency = s.injection_latency;
    c.vc_buf_flits = s.buffer;
    flit::FlitOptions stepped;
    stepped.trains = false;
    flit::FlitNetwork a(c, stepped), b(c);
    std::mt19937_64 rng(5);
    uint32_t tag = 0;
    auto same = [&](uint64_t t) {
      INFO("topology " << to_string(s.topology) << ", cycle " << t);
      REQUIRE(a.retired().size() == b.retired().size());
      for (size_t k = 0; k < a.retired().size(); ++k) {
        const flit::RetiredPacket &x = a.retired()[k], &y = b.retired()[k];
        INFO("tag " << x.tag << "/" << y.tag << " delivered " << x.delivered << "/" << y.delivered << " hops " << x.hops
                    << "/" << y.hops << " dst " << x.dst << "/" << y.dst << " flits " << x.flits << " created " << x.created);
        REQUIRE((x.tag == y.tag && x.delivered == y.delivered && x.hops == y.hops && x.dst == y.dst));
      }
      a.retired().clear();
      b.retired().clear();
      REQUIRE(a.now() == b.now());
      REQUIRE(a.ejected_flits() == b.ejected_flits());
      REQUIRE(a.flit_hops() == b.flit_hops());
      REQUIRE(a.simulated_cycles() == b.simulated_cycles());
      REQUIRE(a.idle() == b.idle());
      REQUIRE(a.next_event_cycle() == b.next_event_cycle());
      REQUIRE(b.check_invariants().empty());
    };
    const int nets = s.topology == Topology::tt_dual ? 2 : 1;
    for (uint64_t t = 0; t < 3000; t += 1 + rng() % static_cast<uint64_t>(s.gap)) {
      for (int k = static_cast<int>(rng() % 6); k > 0; --k) {
        const int net = static_cast<int>(rng() % nets), src = static_cast<int>(rng() % 20);
        std::vector<int> dsts{static_cast<int>(rng() % 20)};
        uint32_t flits = 1 + static_cast<uint32_t>(rng() % 40);
        if (rng() % 3 == 0) {
          for (int extra = 1 + static_cast<int>(rng() % 3); extra > 0; --extra) {
            const int d = static_cast<int>(rng() % 20);
            if (std::find(dsts.begin(), dsts.end(), d) == dsts.end()) dsts.push_back(d);
          }
          if (dsts.size() > 1) flits = 1 + flits % static_cast<uint32_t>(s.buffer);
        }
        const unsigned ties = static_cast<unsigned>(rng());
        a.enqueue_packet(net, src, dsts, flits, t, ties, tag);
        b.enqueue_packet(net, src, dsts, flits, t, ties, tag);
        ++tag;
      }
      // Sometimes up to a cycle, sometimes up to the first delivery, as the chip's NoC module does.
      const bool stop = rng() % 2 == 0;
      a.run_until(t, stop);
      b.run_until(t, stop);
      same(t);
    }
    a.run_until(kNever - 1, false);
    b.run_until(kNever - 1, false);
    same(kNever);
    CHECK(b.idle());
    CHECK(a.occupancy_cycles() == b.occupancy_cycles());
    CHECK(a.counters().link_flits == b.counters().link_flits);
    CHECK(a.counters().flit_hops == b.counters().flit_hops);
  }
}
