// Collectives as data movement against closed forms derived by hand: the link-busy bound of the busiest
// link direction, plus at most the pipeline fill along the route; credits that throttle when the
// receiver has one slot; links that share the data; reductions priced per packet on the receiving core.
#include <catch2/catch.hpp>

#include <cmath>

#include "sim/base/errors.h"
#include "sim/system/collective_figures.h"
#include "sim/system/collective_plan.h"
#include "sim/system/collective_sim.h"
#include "sim/system/system_loader.h"
#include "tests/support/cli.h"

using namespace tessera;
using namespace tessera::system;
using tessera::test::fresh_temp_dir;
using tessera::test::run_tessera;

namespace {

const std::string kSystems = TESSERA_SOURCE_DIR "/configs/systems/";
constexpr uint64_t kPacket = 4352;

Collective make(CollectiveOp op, int chips, Topology1d topology, int links, uint64_t bytes) {
  Collective c;
  c.op = op;
  c.chips = chips;
  c.topology = topology;
  c.links = links;
  c.bytes_per_chip = bytes;
  c.packet_bytes = int(kPacket);
  c.where = "test";
  return c;
}

// The system with the CCL kernels' own costs switched off (no launch, no worker handshake, no step
// semaphores): pure data movement, which the closed forms below bound. The kernel costs have their own
// cases at the end.
SystemConfig data_movement_only(const std::string& file, std::vector<std::string> sets = {}) {
  for (const char* set : {"ccl.op_launch_ns=0", "ccl.worker_handshake=false", "ccl.step_semaphores=false",
                          "ccl.tensors_in_dram=false"})
    sets.push_back(set);
  return load_system_config(kSystems + file, sets);
}

CollectiveRun run(const SystemConfig& s, const Collective& c) { return simulate_collective(s, plan_collective(s, c), c.dtype); }

// One 1-D packet's bytes on the wire: payload and 48 B fabric header, carried in Ethernet packets of at
// most 1500 B, each with 50 B of framing (S-CCL). A 4352 B packet: 4400 B in 3 Ethernet packets, 4550 B.
uint64_t wire_bytes_1d(uint64_t payload) { return payload + 48 + 50 * ((payload + 48 + 1499) / 1500); }
// The same in cycles at the line rate: 4550 / 12.5 = 364 cycles on Wormhole.
double wire_cycles(const SystemConfig& s, uint64_t payload) {
  const double ghz = s.chips[0].chip.clock_ghz;
  return double(wire_bytes_1d(payload)) / (s.ethernet.gbytes_per_s / ghz);
}
double hop_latency(const SystemConfig& s) { return s.ethernet.latency_1d_ns * s.chips[0].chip.clock_ghz; }

// A generous bound on one NoC write of a packet on a chip: its flits at one per cycle, plus 40 router
// hops of 9 cycles and the endpoints' 10: more than any route across a 10x12 or 17x12 grid takes.
double noc_bound(const SystemConfig& s, uint64_t bytes) {
  return double(bytes + 48) / s.chips[0].noc.link_bytes_per_cycle + 40 * 9 + 10;
}

}  // namespace

TEST_CASE("send_recv over one link: packets back to back, then one flight", "[system][collective]") {
  const SystemConfig s = data_movement_only("n300.json");
  const uint64_t packets = 64;
  const CollectiveRun r = run(s, make(CollectiveOp::send_recv, 2, Topology1d::line, 1, packets * kPacket));
  // 16 receiver slots outlast one credit's round trip, so the link never waits: P packets' wire time,
  // then the last one's hop latency; the two NoC writes (into the router, out of it) add at most their bound.
  const double lower = packets * wire_cycles(s, kPacket) + hop_latency(s);
  CHECK(double(r.cycles) >= lower);
  CHECK(double(r.cycles) <= lower + 2 * noc_bound(s, kPacket));
  REQUIRE(r.links.size() == 1);
  CHECK(r.links[0].packets == packets);
  CHECK(r.links[0].wire_bytes == packets * (kPacket + 48 + 3 * 50));
}

TEST_CASE("one receiver slot: every packet waits for its credit's round trip", "[system][collective]") {
  const SystemConfig s = data_movement_only("n300.json", {"ethernet.receiver_slots=1"});
  const uint64_t packets = 32;
  const CollectiveRun r = run(s, make(CollectiveOp::send_recv, 2, Topology1d::line, 1, packets * kPacket));
  // Per packet: on the wire, one hop to the far router, its NoC write out, the credit's hop back.
  const double per_packet = wire_cycles(s, kPacket) + 2 * hop_latency(s);
  CHECK(double(r.cycles) >= packets * per_packet);
  CHECK(double(r.cycles) <= packets * (per_packet + noc_bound(s, kPacket)) + noc_bound(s, kPacket));
}

TEST_CASE("one sender slot freed on completion: every packet waits for the far end's round trip", "[system][collective]") {
  // TT-Fabric's 1-D router without first-level acks frees a sender slot only when the far receiver's
  // completion is back. With one slot a packet cannot enter the router until the one before has crossed
  // the wire, one hop, been written out at the far end and its completion has crossed back: per packet
  // w + 2 lambda at least, and at most two NoC writes more (into the router, out of the far one).
  const uint64_t packets = 32;
  const Collective c = make(CollectiveOp::send_recv, 2, Topology1d::line, 1, packets * kPacket);
  const SystemConfig s = data_movement_only("n300.json", {"ethernet.sender_slots=1"});
  REQUIRE(s.ethernet.sender_slots_free_on_completion);
  const double w = wire_cycles(s, kPacket), lambda = hop_latency(s);
  const double t = double(run(s, c).cycles);
  CHECK(t >= packets * (w + 2 * lambda));
  CHECK(t <= packets * (w + 2 * lambda + 2 * noc_bound(s, kPacket)) + lambda);
  // Freed once on the wire instead, the slot comes back before the far end has the packet: per packet the
  // wire and the NoC write into the router, then one flight and the far write.
  const double on_send = double(run(data_movement_only("n300.json", {"ethernet.sender_slots=1",
      "ethernet.sender_slots_free_on_completion=false"}), c).cycles);
  CHECK(on_send <= packets * (w + noc_bound(s, kPacket)) + lambda + noc_bound(s, kPacket));
  // With the preset's 8 slots the window (8 x 364 cycles of wire) outlasts the round trip (364 + 2 x 711 and
  // two NoC writes): the link runs back to back as in "send_recv over one link".
  const SystemConfig eight = data_movement_only("n300.json");
  CHECK(double(run(eight, c).cycles) <= packets * w + lambda + 2 * noc_bound(eight, kPacket));
}

TEST_CASE("line all_gather: the last link carries N-1 buffers; two links halve it", "[system][collective]") {
  const SystemConfig s = data_movement_only("t3000.json");
  const int n = 4;
  const uint64_t packets = 40;  // per chip and link
  const CollectiveRun one = run(s, make(CollectiveOp::all_gather, n, Topology1d::line, 1, packets * kPacket));
  const double busy = (n - 1) * packets * wire_cycles(s, kPacket);
  // The fill: the last buffer's first packet crosses N-1 hops, each a wire time, a hop latency and two
  // NoC writes, before the busiest link has it.
  const double fill = (n - 1) * (wire_cycles(s, kPacket) + hop_latency(s) + 2 * noc_bound(s, kPacket));
  CHECK(double(one.cycles) >= busy);
  CHECK(double(one.cycles) <= busy + fill);
  const CollectiveRun two = run(s, make(CollectiveOp::all_gather, n, Topology1d::line, 2, 2 * packets * kPacket));
  CHECK(double(two.cycles) >= busy);
  CHECK(double(two.cycles) <= busy + fill);
  // Per-link bandwidth (busbw / links, multichip.md's convention) is the same with one link or two.
  const auto f1 = collective_figures(make(CollectiveOp::all_gather, n, Topology1d::line, 1, packets * kPacket),
                                     one.cycles, one.clock_ghz);
  const auto f2 = collective_figures(make(CollectiveOp::all_gather, n, Topology1d::line, 2, 2 * packets * kPacket),
                                     two.cycles, two.clock_ghz);
  CHECK(f2.per_link_gbps == Approx(f1.per_link_gbps).epsilon(0.02));
}

TEST_CASE("ring all_gather sends both ways: the busiest direction carries ceil((N-1)/2) buffers", "[system][collective]") {
  const SystemConfig s = data_movement_only("quietbox2.json");
  const int n = 4;
  const uint64_t packets = 40;
  const CollectiveRun r = run(s, make(CollectiveOp::all_gather, n, Topology1d::ring, 1, packets * kPacket));
  const double busy = 2 * packets * wire_cycles(s, kPacket);  // ceil(3 / 2) = 2 buffers forward
  const double fill = 2 * (wire_cycles(s, kPacket) + hop_latency(s) + 2 * noc_bound(s, kPacket));
  CHECK(double(r.cycles) >= busy);
  CHECK(double(r.cycles) <= busy + fill);
  // Every direction of the 4 ring links carries data.
  CHECK(r.links.size() == 8);
}

TEST_CASE("line reduce_scatter: (N-1)/N of the buffer on the first link, every hop reduced", "[system][collective]") {
  const SystemConfig s = data_movement_only("t3000.json");
  const int n = 4;
  const uint64_t slice_packets = 20;  // each slice B/N is whole packets
  const CollectiveRun r =
      run(s, make(CollectiveOp::reduce_scatter, n, Topology1d::line, 1, n * slice_packets * kPacket));
  const double busy = (n - 1) * slice_packets * wire_cycles(s, kPacket);
  // Each hop's packet is also reduced on the receiving core before it is passed on.
  const double reduce = 2.0 * kPacket / s.chips[0].core.unpack_bytes_per_cycle;  // two operands unpacked
  const double fill = (n - 1) * (wire_cycles(s, kPacket) + hop_latency(s) + 2 * noc_bound(s, kPacket) + reduce);
  CHECK(double(r.cycles) >= busy);
  CHECK(double(r.cycles) <= busy + fill);
  // Every slice's packets make N-1 reduced hops in all (c from the left, N-1-c from the right); each costs
  // the slowest of unpacking two operands (64 B/cycle), adding 3 tiles (8 cycles each), packing one.
  const uint64_t reduced_hops = uint64_t(n) * (n - 1) * slice_packets;
  CHECK(r.reduce_cycles == reduced_hops * uint64_t(reduce));
}

TEST_CASE("all_reduce is a reduce_scatter and then an all_gather of the slices", "[system][collective]") {
  const SystemConfig s = data_movement_only("t3000.json");
  const int n = 4;
  const uint64_t b = n * 20 * kPacket;
  const auto rs = run(s, make(CollectiveOp::reduce_scatter, n, Topology1d::line, 1, b));
  Collective ag = make(CollectiveOp::all_gather, n, Topology1d::line, 1, b / n);
  const auto gather = run(s, ag);
  const auto ar = run(s, make(CollectiveOp::all_reduce, n, Topology1d::line, 1, b));
  // A slice's gather starts once its reduction is done on that link, so the phases overlap: the whole
  // takes at least the longer phase. Overlapping traffic shares links, so it may take longer than the two
  // phases back to back, but by less than one pipeline fill along the line.
  const double fill = (n - 1) * (wire_cycles(s, kPacket) + hop_latency(s) + 2 * noc_bound(s, kPacket));
  CHECK(ar.cycles >= std::max(rs.cycles, gather.cycles));
  CHECK(double(ar.cycles) <= double(rs.cycles + gather.cycles) + fill);
}

TEST_CASE("line all_to_all: the middle link carries floor(N/2) ceil(N/2) / N of the buffer", "[system][collective]") {
  const SystemConfig s = data_movement_only("t3000.json");
  const int n = 4;
  const uint64_t piece_packets = 30;  // B/N per destination
  const auto r = run(s, make(CollectiveOp::all_to_all, n, Topology1d::line, 1, n * piece_packets * kPacket));
  const double busy = 2 * 2 * piece_packets * wire_cycles(s, kPacket);  // chips 0, 1 send 2 pieces each across
  const double fill = (n - 1) * (wire_cycles(s, kPacket) + hop_latency(s) + 2 * noc_bound(s, kPacket));
  CHECK(double(r.cycles) >= busy);
  CHECK(double(r.cycles) <= busy + fill);
}

TEST_CASE("ring all_to_all through several chips finishes: the dateline breaks the buffer cycle", "[system][collective]") {
  const SystemConfig s = data_movement_only("t3000.json");
  const int n = 8;
  const uint64_t piece_packets = 4;
  const auto r = run(s, make(CollectiveOp::all_to_all, n, Topology1d::ring, 1, n * piece_packets * kPacket));
  // Shortest way round, the opposite chip's piece half each way: each chip sends pieces 1, 2, 3 hops each
  // way and half a piece 4 hops each way, so every link direction carries 1 + 2 + 3 + 2 = 8 pieces.
  CHECK(double(r.cycles) >= 8 * piece_packets * wire_cycles(s, kPacket));
  uint64_t forward = 0;
  for (const auto& l : r.links) forward += l.packets;
  CHECK(forward == uint64_t(n) * (1 + 1 + 2 + 2 + 3 + 3 + 4) * piece_packets);
}

TEST_CASE("fabric routes: dimension order on a mesh, the short way round a torus, one plane", "[system][routing]") {
  const SystemConfig mesh = load_system_config(kSystems + "wh_galaxy.json");
  // Device 0 is at column 0, row 0; 31 at column 3, row 7.
  auto hops = dimension_order_route(mesh, 0, 31, 2, "test");
  CHECK(hops.size() == 3 + 7);
  for (const Hop& h : hops) CHECK(mesh.links[size_t(h.link)].plane == 2);
  CHECK(hop_target(mesh, hops.back()) == 31);
  CHECK(hop_target(mesh, hops[2]) == 3);  // X first: along row 0 to column 3
  const SystemConfig torus = load_system_config(kSystems + "wh_galaxy_torus.json");
  hops = dimension_order_route(torus, 0, 31, 0, "test");
  CHECK(hops.size() == 2);  // one wrap-around hop in each axis
  CHECK(hop_target(torus, hops[0]) == 3);
  // A 2-D send between named devices that are not neighbours takes that route.
  Collective c = make(CollectiveOp::send_recv, 2, Topology1d::line, 1, 8 * kPacket);
  c.devices = {0, 31};
  const CollectivePlan p = plan_collective(mesh, c);
  CHECK(p.two_d);
  CHECK(p.transfers[0].hops.size() == 10);
}

TEST_CASE("collectives the system cannot run are refused with the reason", "[system][collective]") {
  const SystemConfig t3000 = load_system_config(kSystems + "t3000.json");
  auto refusal = [&](const Collective& c) {
    try {
      plan_collective(t3000, c);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(refusal(make(CollectiveOp::all_gather, 3, Topology1d::ring, 1, kPacket)).find("name the ring's devices") !=
        std::string::npos);
  CHECK(refusal(make(CollectiveOp::all_gather, 4, Topology1d::line, 3, kPacket)).find("to share at least 3 links") !=
        std::string::npos);
  CHECK(refusal(make(CollectiveOp::all_gather, 9, Topology1d::line, 1, kPacket)).find("expected at most 8 chips") !=
        std::string::npos);
  Collective big = make(CollectiveOp::all_gather, 2, Topology1d::line, 1, kPacket);
  big.packet_bytes = 8192;
  CHECK(refusal(big).find("/packet_bytes: expected at most the fabric's largest payload, 7616 B") != std::string::npos);
  // The whole 2x4 grid as a ring: the snake closes through column 0.
  CHECK(refusal(make(CollectiveOp::all_gather, 8, Topology1d::ring, 1, kPacket)) == "no error");
}

TEST_CASE("tessera collective: figures, the same bytes twice, exit 2 on a bad trace", "[system][cli]") {
  const std::string dir = fresh_temp_dir("collective");
  const std::string gen = "/usr/bin/python3 " TESSERA_SOURCE_DIR "/scripts/gen_collective.py";
  REQUIRE(std::system((gen + " --op all_reduce --chips 8 --topology ring --links 1 --bytes-per-chip 1048576 -o " +
                       dir + "/ar.json").c_str()) == 0);
  const auto a = run_tessera("collective --system configs/systems/t3000.json --trace " + dir + "/ar.json --json");
  const auto b = run_tessera("collective --system configs/systems/t3000.json --trace " + dir + "/ar.json --json");
  CHECK(a.exit_code == 0);
  CHECK(a.out == b.out);
  CHECK(a.out.find("\"busbw_gbps\"") != std::string::npos);
  tessera::test::write_text(dir + "/bad.json", "{\"format\": \"tessera-collective\", \"collectives\": "
                                              "[{\"op\": \"all_scatter\", \"bytes_per_chip\": 8}]}");
  const auto bad = run_tessera("collective --system configs/systems/t3000.json --trace " + dir + "/bad.json");
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("/collectives/0/op: expected one of") != std::string::npos);
  CHECK(bad.out.empty());
}

TEST_CASE("every Ethernet knob of a system moves a collective the way its doc says", "[system][collective]") {
  // 2 chips, then the same on a 2-D route (the mesh's 2-D latency and header): slower with a slower link,
  // a longer hop, more framing or header, fewer slots.
  auto cycles = [](const std::string& file, const std::vector<std::string>& sets, bool two_d) {
    const SystemConfig s = load_system_config(kSystems + file, sets);
    Collective c = make(CollectiveOp::send_recv, 2, Topology1d::line, 1, 64 * kPacket);
    if (two_d) c.devices = {0, 5};  // t3000: device 0 at column 0, row 0; device 5 at column 3, row 1
    return run(s, c).cycles;
  };
  const uint64_t base = cycles("n300.json", {}, false);
  for (const char* set : {"ethernet.gbytes_per_s=6", "ethernet.latency_1d_ns=5000", "ethernet.framing_bytes=2000",
                          "ethernet.frame_bytes=200",
                          "ethernet.fabric_header_1d_bytes=2000", "ethernet.receiver_slots=1", "ethernet.sender_slots=1"}) {
    INFO(set);
    CHECK(cycles("n300.json", {set}, false) > base);
  }
  const uint64_t base_2d = cycles("t3000.json", {}, true);
  for (const char* set : {"ethernet.latency_2d_ns=5000", "ethernet.fabric_header_2d_bytes=2000"}) {
    INFO(set);
    CHECK(cycles("t3000.json", {set}, true) > base_2d);
  }
  // The 1-D knobs leave a 2-D route alone.
  CHECK(cycles("t3000.json", {"ethernet.latency_1d_ns=5000"}, true) == base_2d);
}

// The CCL kernels' own costs (docs/systems.md, "Kernel costs"), each against a figure derived by hand.

TEST_CASE("op launch: every op starts its launch after the one before; all_reduce is two ops", "[system][ccl]") {
  // With the launch at L ns, the whole run shifts by L cycles at 1 GHz (Wormhole) per op, exactly.
  auto cycles = [](CollectiveOp op, const char* launch) {
    const SystemConfig s = load_system_config(kSystems + "t3000.json", {std::string("ccl.op_launch_ns=") + launch});
    return run(s, make(op, 4, Topology1d::line, 1, 4 * 8 * kPacket)).cycles;
  };
  CHECK(cycles(CollectiveOp::all_gather, "5000") - cycles(CollectiveOp::all_gather, "0") == 5000);
  CHECK(cycles(CollectiveOp::reduce_scatter, "5000") - cycles(CollectiveOp::reduce_scatter, "0") == 5000);
  // tt-metal's all_reduce: a reduce_scatter op, then an all_gather op, each launched.
  CHECK(cycles(CollectiveOp::all_reduce, "5000") - cycles(CollectiveOp::all_reduce, "0") == 10000);
}

TEST_CASE("worker handshake: three RISC-V calls per packet, and a credit back before a slot is reused", "[system][ccl]") {
  // n300, 4352 B packets: the wire takes w = 4550 / 12.5 = 364 cycles; the worker's three calls (payload,
  // header, slot pointer) at 124 cycles each take 372, so the worker, not the link, sets the pace: packet
  // P's pointer update leaves at (P-1) 372 + 248, then the packet crosses the wire and one hop.
  const double issue = 124, w = wire_cycles(data_movement_only("n300.json"), kPacket);
  const uint64_t packets = 128;
  const auto cycles = [&](std::vector<std::string> sets, bool mux = false) {
    for (const char* set : {"ccl.op_launch_ns=0", "ccl.step_semaphores=false"}) sets.push_back(set);
    if (!mux) sets.push_back("ccl.gather_mux=false");
    return double(run(load_system_config(kSystems + "n300.json", sets),
                      make(CollectiveOp::send_recv, 2, Topology1d::line, 1, packets * kPacket)).cycles);
  };
  const SystemConfig s = data_movement_only("n300.json");
  const double t = cycles({});
  CHECK(t >= (packets - 1) * 3 * issue + 2 * issue + w + hop_latency(s));
  // Each packet costs the worker at most its three calls or its flush (the payload's NoC write), the
  // last one its wire time, hop and NoC writes.
  CHECK(t <= packets * std::max(3 * issue, noc_bound(s, kPacket)) + w + hop_latency(s) + 3 * noc_bound(s, kPacket));
  // One sender slot: the worker reuses it only after the router has sent the packet (w after the pointer
  // update, its second call after the payload's) and written the credit back, so each packet takes at least
  // two calls and a wire time: 2 x 124 + 364 = 612 cycles, more than the 372 of the calls alone.
  CHECK(cycles({"ethernet.sender_slots=1"}) >= packets * (2 * issue + w));
}

TEST_CASE("step semaphores: one header-only packet after every chunk of a share, on every hop", "[system][ccl]") {
  const SystemConfig s = load_system_config(kSystems + "t3000.json", {"ccl.op_launch_ns=0"});
  // send_recv of 64 packets (each 4400 B in 3 Ethernet packets): one semaphore at the end, 48 B header
  // in one Ethernet packet, 50 B framing, on the wire.
  const uint64_t packets = 64;
  const CollectiveRun one = run(s, make(CollectiveOp::send_recv, 2, Topology1d::line, 1, packets * kPacket));
  REQUIRE(one.links.size() == 1);
  CHECK(one.links[0].packets == packets + 1);
  CHECK(one.links[0].wire_bytes == packets * (kPacket + 48 + 3 * 50) + 48 + 50);
  // Line all_gather on 4 chips, 40 packets per chip (one chunk: at most 160 per semaphore): the link
  // direction from chip 2 to chip 3 carries the buffers of chips 0, 1, 2, each followed by its semaphore
  // (one worker per direction, no mux).
  const SystemConfig one_worker = load_system_config(kSystems + "t3000.json", {"ccl.op_launch_ns=0", "ccl.gather_mux=false"});
  const CollectiveRun ag = run(one_worker, make(CollectiveOp::all_gather, 4, Topology1d::line, 1, 40 * kPacket));
  uint64_t most = 0;
  for (const auto& l : ag.links) most = std::max(most, l.packets);
  CHECK(most == 3 * 40 + 3);
  // Through a mux: 3 x 40 x 4352 B cross that link, over 256 KiB, so 4 workers per direction, each with
  // 10 of a chip's packets and a semaphore of its own: 3 x 4 semaphores.
  const CollectiveRun muxed = run(s, make(CollectiveOp::all_gather, 4, Topology1d::line, 1, 40 * kPacket));
  most = 0;
  for (const auto& l : muxed.links) most = std::max(most, l.packets);
  CHECK(most == 3 * 40 + 3 * 4);
  // With 10 packets per semaphore the same buffers are 4 chunks each: 12 semaphores on that direction.
  const SystemConfig chunked = load_system_config(kSystems + "t3000.json", {"ccl.gather_packets_per_sync=10", "ccl.gather_mux=false"});
  const CollectiveRun ag10 = run(chunked, make(CollectiveOp::all_gather, 4, Topology1d::line, 1, 40 * kPacket));
  most = 0;
  for (const auto& l : ag10.links) most = std::max(most, l.packets);
  CHECK(most == 3 * 40 + 12);
}

TEST_CASE("every ccl knob of a system moves a collective the way its doc says", "[system][ccl]") {
  // A 4-chip line reduce_scatter of 16 packets per slice, and its ring twin on a closed T3000 row.
  auto rs = [](const std::vector<std::string>& sets, Topology1d topology) {
    const SystemConfig s = load_system_config(kSystems + "t3000.json", sets);
    const int n = topology == Topology1d::ring ? 8 : 4;
    return run(s, make(CollectiveOp::reduce_scatter, n, topology, 1, uint64_t(n) * 16 * kPacket));
  };
  auto packets = [](const CollectiveRun& r) {
    uint64_t p = 0;
    for (const auto& l : r.links) p += l.packets;
    return p;
  };
  const auto line = rs({}, Topology1d::line), ring = rs({}, Topology1d::ring);
  // The gathers' own-output write: without it an all_gather's worker makes one call less per packet.
  const auto ag = [](const std::vector<std::string>& sets) {
    return run(load_system_config(kSystems + "t3000.json", sets), make(CollectiveOp::all_gather, 4, Topology1d::line, 1, 32 * kPacket)).cycles;
  };
  CHECK(ag({"ccl.gather_local_write=false"}) < ag({}));
  CHECK(rs({"ccl.gather_local_write=false"}, Topology1d::line).cycles == line.cycles);
  // The line's 12 hops (slice c: c from the left, 3 - c from the right) carry a slice of 16 x 4352 B each,
  // in packets of two 2048 B tiles (ccl.reduce_tiles_per_packet): 69632 / 4096 = 17 packets. Through a mux,
  // 2 workers per direction (3/4 of the buffer a link, under 512 KiB), 9 and 8 packets, chunks capped at
  // half of them (4): 3 + 2 semaphores a hop; one worker alone sends its 17 in one chunk of at most 20: 1.
  CHECK(packets(line) == 12 * (17 + 5));
  CHECK(packets(rs({"ccl.reduce_mux=false"}, Topology1d::line)) == 12 * (17 + 1));
  // The fabric packet's 4352 B instead: 16 packets a hop, 8 per worker, 4 semaphores.
  CHECK(packets(rs({"ccl.reduce_tiles_per_packet=0"}, Topology1d::line)) == 12 * (16 + 4));
  // A longer launch, no handshake (cheaper), no semaphores (fewer packets).
  CHECK(rs({"ccl.op_launch_ns=20000"}, Topology1d::line).cycles > line.cycles);
  // (Without the handshake there are no workers or mux either: compare with the lone worker's handshake.)
  CHECK(rs({"ccl.worker_handshake=false"}, Topology1d::line).cycles < rs({"ccl.reduce_mux=false"}, Topology1d::line).cycles);
  CHECK(packets(rs({"ccl.step_semaphores=false"}, Topology1d::line)) < packets(line));
  // Smaller chunks: more semaphores, each knob on its own topology only.
  CHECK(packets(rs({"ccl.reduce_packets_per_sync_line=1"}, Topology1d::line)) > packets(line));
  CHECK(packets(rs({"ccl.reduce_packets_per_sync_line=1"}, Topology1d::ring)) == packets(ring));
  CHECK(packets(rs({"ccl.reduce_packets_per_sync_ring=1"}, Topology1d::ring)) > packets(ring));
  CHECK(packets(rs({"ccl.reduce_packets_per_sync_ring=1"}, Topology1d::line)) == packets(line));
  // The gathers' knob leaves a reduce_scatter alone (its own case above counts a gather's semaphores).
  CHECK(packets(rs({"ccl.gather_packets_per_sync=1"}, Topology1d::line)) == packets(line));
  // A bad value names the file and the key.
  CHECK_THROWS_WITH(load_system_config(kSystems + "t3000.json", {"ccl.reduce_packets_per_sync_line=0"}),
                    Catch::Contains("/ccl/reduce_packets_per_sync_line"));
}

TEST_CASE("reduce_scatter packets carry two tiles: a mux per direction sends them one at a time", "[system][ccl]") {
  // A 2-chip line reduce_scatter on 6144 B fabric packets (3 bfloat16 tiles), 24 such packets per slice:
  // 147456 B cross each direction. Scatter writes of 2 tiles make them 147456 / 4096 = 36 packets a
  // direction; bfp8 tiles of 1088 B, 2 a packet: ceil(147456 / 2176) = 68; the fabric's packets: 24.
  const uint64_t slice = 24 * 6144;
  auto data_packets = [&](const std::string& file, std::vector<std::string> sets, DataFormat dtype) {
    sets.push_back("ccl.step_semaphores=false");
    Collective c = make(CollectiveOp::reduce_scatter, 2, Topology1d::line, 1, 2 * slice);
    c.packet_bytes = 6144;
    c.dtype = dtype;
    const CollectiveRun r = run(load_system_config(kSystems + file, sets), c);
    uint64_t p = 0, bytes = 0;
    for (const auto& l : r.links) { p += l.packets; bytes += l.payload_bytes; }
    CHECK(bytes == 2 * slice);
    return std::pair{p, r.cycles};
  };
  CHECK(data_packets("t3000.json", {}, DataFormat::bf16).first == 2 * 36);
  CHECK(data_packets("t3000.json", {}, DataFormat::bfp8).first == 2 * 68);
  CHECK(data_packets("t3000.json", {"ccl.reduce_tiles_per_packet=0"}, DataFormat::bf16).first == 2 * 24);
  // On Blackhole (25 GB/s at 1.35 GHz) a 4096 B packet's wire time, 4294 / 18.5 = 232 cycles, is under the
  // mux's three calls a packet (the packet, the router's slot pointer, the worker's credit: 3 x 124 = 372),
  // so one direction's mux sets the pace: its 36 packets take at least 36 x 372 cycles after the launch.
  const SystemConfig bh = load_system_config(kSystems + "p300.json", {"ccl.step_semaphores=false"});
  const double launch = bh.ccl.op_launch_ns * bh.chips[0].chip.clock_ghz;
  CHECK(double(data_packets("p300.json", {}, DataFormat::bf16).second) >= launch + 36 * 3 * 124);
}

TEST_CASE("framing: a fabric packet pays 50 B per Ethernet packet of at most 1500 B", "[system][collective]") {
  // 1452 B of payload and the 48 B header fill one Ethernet packet exactly; one byte more needs two.
  const SystemConfig s = data_movement_only("n300.json");
  const uint64_t packets = 16;
  for (const auto& [payload, frames] : {std::pair<uint64_t, uint64_t>{1452, 1}, {1453, 2}, {6144, 5}}) {
    Collective c = make(CollectiveOp::send_recv, 2, Topology1d::line, 1, packets * payload);
    c.packet_bytes = int(payload);
    const CollectiveRun r = run(s, c);
    REQUIRE(r.links.size() == 1);
    INFO(payload);
    CHECK(r.links[0].wire_bytes == packets * (payload + 48 + 50 * frames));
  }
  // Jumbo frames of 9000 B: a 6144 B packet in one, 50 B of framing instead of 250.
  Collective c = make(CollectiveOp::send_recv, 2, Topology1d::line, 1, packets * 6144);
  c.packet_bytes = 6144;
  const CollectiveRun jumbo = run(data_movement_only("n300.json", {"ethernet.frame_bytes=9000"}), c);
  CHECK(jumbo.links[0].wire_bytes == packets * (6144 + 48 + 50));
}

TEST_CASE("gather local write: a fourth call and a NoC write into the chip's own output per packet", "[system][ccl]") {
  // 2-chip line all_gather on the T3000, 4352 B packets, no launch, no semaphores: each chip's worker sends
  // its own P packets, each after four calls at 124 cycles (its output's page, payload, header, slot
  // pointer): 496 cycles a packet, more than the wire's 364, so the worker sets the pace. Packet P's pointer
  // update leaves at (P-1) 496 + 3 x 124, then the packet crosses the wire and one hop.
  const uint64_t packets = 64;
  const double issue = 124;
  const auto cycles = [&](std::vector<std::string> sets, bool mux = false) {
    for (const char* set : {"ccl.op_launch_ns=0", "ccl.step_semaphores=false"}) sets.push_back(set);
    if (!mux) sets.push_back("ccl.gather_mux=false");
    return double(run(load_system_config(kSystems + "t3000.json", sets),
                      make(CollectiveOp::all_gather, 2, Topology1d::line, 1, packets * kPacket)).cycles);
  };
  const SystemConfig s = data_movement_only("t3000.json");
  const double w = wire_cycles(s, kPacket), t = cycles({});
  CHECK(t >= (packets - 1) * 4 * issue + 3 * issue + w + hop_latency(s));
  CHECK(t <= packets * std::max(4 * issue, 2 * noc_bound(s, kPacket)) + w + hop_latency(s) + 3 * noc_bound(s, kPacket));
  // Without it, three calls a packet: below the four-call pace.
  CHECK(cycles({"ccl.gather_local_write=false"}) < (packets - 1) * 4 * issue);
  // Through a mux: 64 x 4352 B per link is over 256 KiB, so 4 workers share the four calls of each packet
  // and the mux forwards it with three (the packet, the router's slot pointer, the worker's credit), 372
  // cycles, still over the wire's 364: the mux sets the pace, below the single worker's.
  const double muxed = cycles({}, true);
  CHECK(muxed >= (packets - 1) * 3 * issue + w + hop_latency(s));
  CHECK(muxed < (packets - 1) * 4 * issue);
}

TEST_CASE("per-link bandwidth counts the busiest link's bytes: all_to_all's middle link", "[system][collective]") {
  // 1 MB per chip in 1 ms: busbw is (N-1)/N MB/ms; per link, the middle link's floor(N/2) ceil(N/2) / N MB
  // (tt-metal's report: 4 line 1 MB -> 1.0 GB/s; 8 ring 2 MB over 2 directions -> 1.0 GB/s; 2 line 0.5).
  const auto per_link = [](int n, Topology1d t) {
    Collective c = make(CollectiveOp::all_to_all, n, t, 1, 1000000);
    return collective_figures(c, 1000000, 1.0);
  };
  CHECK(per_link(2, Topology1d::line).per_link_gbps == Approx(0.5));
  CHECK(per_link(4, Topology1d::line).per_link_gbps == Approx(1.0));
  CHECK(per_link(4, Topology1d::line).busbw_gbps == Approx(0.75));
  CHECK(per_link(8, Topology1d::ring).per_link_gbps == Approx(1.0));
  CHECK(per_link(8, Topology1d::ring).busbw_gbps == Approx(0.875));
  // The other ops: busbw / links (/ 2 on a ring).
  Collective ag = make(CollectiveOp::all_gather, 8, Topology1d::ring, 2, 1000000);
  CHECK(collective_figures(ag, 1000000, 1.0).per_link_gbps == Approx(7.0 / 4));
}

TEST_CASE("line all_gather multicasts: each packet leaves its chip once, the routers drop it on the way", "[system][collective]") {
  // 4 chips, P packets each, no semaphores: chips 0 and 3 send one way, chips 1 and 2 both ways, each
  // packet once: 6 P fabric packets (a hop-by-hop relay through the workers would send N (N-1) P = 12 P).
  // The busiest direction, 2 -> 3, still carries the three buffers of chips 0, 1, 2.
  const SystemConfig s = data_movement_only("t3000.json");
  const uint64_t packets = 8;
  const CollectiveRun r = run(s, make(CollectiveOp::all_gather, 4, Topology1d::line, 1, packets * kPacket));
  CHECK(r.transfers == 6 * packets);
  uint64_t most = 0;
  for (const auto& l : r.links) most = std::max(most, l.packets);
  CHECK(most == 3 * packets);
  // A ring still relays through the workers: 8 chips, each buffer 4 hops forward and 3 back, 7 P sends.
  const CollectiveRun ring = run(s, make(CollectiveOp::all_gather, 8, Topology1d::ring, 1, packets * kPacket));
  CHECK(ring.transfers == 8 * 7 * packets);
}

TEST_CASE("ring all_to_all: the opposite chip's piece goes half each way, so every direction carries the same", "[system][collective]") {
  // 8-ring, P packets per piece (P even), no semaphores: each link direction carries the pieces of the
  // chips 1, 2 and 3 hops behind it that cross it (1 + 2 + 3 = 6 pieces) and half of the 4 opposite-chip
  // pieces that cross it (2): 8 P packets on every one of the 16 directions.
  const SystemConfig s = data_movement_only("t3000.json");
  const uint64_t p = 4;
  const CollectiveRun r = run(s, make(CollectiveOp::all_to_all, 8, Topology1d::ring, 1, 8 * p * kPacket));
  REQUIRE(r.links.size() == 16);
  for (const auto& l : r.links) CHECK(l.packets == 8 * p);
}

TEST_CASE("tensors in DRAM: a reduced packet lands in a DRAM bank and is read back before it is added", "[system][ccl]") {
  // 2-chip line reduce_scatter on the n300, one 4352 B packet per slice, otherwise the data-movement twin:
  // each packet's last hop now writes a DRAM bank (100 cycles of write latency after its NoC write), and
  // the worker reads it and its own operand back (270 cycles of read latency, then the 4352 B transfer at
  // 32 B a cycle, 136 cycles). The last hop's NoC leg now ends at a bank, not at the worker: on a 10 x 12
  // grid at most 20 router hops of 9 cycles shorter or longer.
  const auto cycles = [](CollectiveOp op, uint64_t bytes, const char* dram) {
    const SystemConfig s = load_system_config(kSystems + "n300.json",
        {"ccl.op_launch_ns=0", "ccl.worker_handshake=false", "ccl.step_semaphores=false",
         std::string("ccl.tensors_in_dram=") + dram});
    return double(run(s, make(op, 2, Topology1d::line, 1, bytes)).cycles);
  };
  const SystemConfig s = data_movement_only("n300.json");
  const double off = cycles(CollectiveOp::reduce_scatter, 2 * kPacket, "false");
  const double on = cycles(CollectiveOp::reduce_scatter, 2 * kPacket, "true");
  CHECK(on >= off + 100 + 270 + 136 - 20 * 9);
  CHECK(on <= off + 100 + 270 + 2 * noc_bound(s, kPacket));
  // A packet nobody forwards or reduces (send_recv) pays only the write latency, the NoC leg aside.
  const double sr_off = cycles(CollectiveOp::send_recv, kPacket, "false");
  const double sr_on = cycles(CollectiveOp::send_recv, kPacket, "true");
  CHECK(sr_on >= sr_off + 100 - 20 * 9);
  CHECK(sr_on <= sr_off + 100 + 20 * 9);
  CHECK(on - off > sr_on - sr_off + 270);
}
