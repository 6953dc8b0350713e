#pragma once
// The NoC's slice of the architecture config, filled by sim/config from the JSON "noc" section.
#include <cstdint>
#include <string>

namespace tessera::noc {

enum class Topology { torus, tt_dual, mesh };
enum class Fidelity { flit, packet, ideal };
// How a sender on the tt_dual topology picks NoC0 or NoC1.
enum class NocSelect { fixed, shortest, least_loaded };

// Router pipeline delays in cycles. Defaults are BookSim2's input-queued router, so that both simulate the
// same network; Tenstorrent-like presets set them so that a router-to-router hop costs 9 cycles.
struct RouterDelays {
  int routing = 1;
  int vc_alloc = 1;
  int sw_alloc = 1;
  int st_prepare = 0;
  int st_final = 1;   // switch traversal
  int link = 1;       // channel latency
  int credit = 0;     // extra credit return delay
};

struct NocConfig {
  int width = 0;   // routers per row (the chip grid width)
  int height = 0;  // routers per column
  Topology topology = Topology::torus;
  Fidelity fidelity = Fidelity::packet;
  NocSelect noc_select = NocSelect::shortest;
  int link_bytes_per_cycle = 32;  // flit width
  int num_vcs = 2;
  int vc_buf_flits = 8;
  int max_packet_bytes = 8192;    // payload per packet; longer messages split into packets
  int header_flits = 1;           // flits of header per packet
  int injection_latency = 0;      // endpoint (NIU) to router, cycles
  int ejection_latency = 0;       // router to endpoint, cycles
  RouterDelays delays;
  uint64_t watchdog_cycles = 100000;  // no flit moves this long while flits are in flight: deadlock
};

// Cycles a flit spends per router hop when the network is empty (pipeline + link).
inline int hop_latency_cycles(const RouterDelays& d) {
  return d.routing + d.vc_alloc + d.sw_alloc + d.st_prepare + d.st_final + d.link;
}

const char* to_string(Topology t);
const char* to_string(Fidelity f);
const char* to_string(NocSelect s);

}  // namespace tessera::noc
