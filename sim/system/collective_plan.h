#pragma once
// A collective as data movement: fabric packets from a core of one chip to a core of another, each over
// its route of Ethernet hops, some reduced into the receiving core's partial result, some waiting for
// others (a relay forwards what it received; an all-reduce gathers what it reduced).
//
// Algorithms (the chips in collective order 0..N-1, each link k of a pair carrying 1/links of the data):
//  all_gather      line: each chip's buffer multicast both ways along the line: the routers forward each
//                  packet and drop it at every chip on the way (S-CCL: "On a line it multicasts, and the
//                  routers forward"), one semaphore multicast after each chunk;
//                  ring: relayed hop by hop through the workers of the chips on the way (S-CCL: a ring
//                  "relays each chunk through worker cores"), the nearer ceil((N-1)/2) chips forward, the
//                  other floor((N-1)/2) backward.
//  reduce_scatter  chip c ends with the sum of everyone's slice c (bytes/N). Line: the chips left of c
//                  pass a running sum rightwards to c, those right of c leftwards. Ring: half of slice c
//                  goes forward round the ring from c+1, half backward from c-1, N-1 hops each.
//  all_reduce      reduce_scatter, then all_gather of the reduced slices, as two ops (tt-metal's composite):
//                  the gather starts, after its own launch, once every transfer of the reduce_scatter is done.
//  all_to_all      each chip sends bytes/N to each other chip, routed through the fabric (no relay).
//  send_recv       the first chip sends its buffer to the last one, routed through the fabric.
//
// With the system's ccl.step_semaphores, a share moves in chunks (ccl.*_packets_per_sync packets); the
// sending kernel follows each chunk with a semaphore increment (in program order, so the fabric delivers it
// after the chunk's data), and the chunk's next hop waits for it: the receiving kernel learns that data has
// arrived only from the semaphore. A routed share (all_to_all, send_recv) ends with one.
#include <cstdint>
#include <vector>

#include "sim/base/grid_pos.h"
#include "sim/system/collective_trace.h"
#include "sim/system/fabric_routing.h"
#include "sim/system/system_config.h"

namespace tessera::system {

struct Transfer {
  int src_chip = 0, dst_chip = 0;
  GridPos src_core, dst_core;
  uint32_t bytes = 0;         // payload
  std::vector<Hop> hops;      // at least one
  int dateline_hop = -1;      // the first hop that crosses a ring's dateline (then virtual channel 1)
  bool reduce = false;        // the receiving core adds it into its partial result
  bool local_write = false;   // the sending core also writes it into its own chip's output (all_gather_async)
  // Prepared by a worker core (`feeder`) that writes it into the sending core, a fabric mux, which forwards
  // it to the router (ccl.gather_mux); the own-output write is then the feeder's.
  bool fed = false;
  GridPos feeder;
  // A line multicast: each router on the way also writes it into its own chip's receiving core (drop_cores,
  // one per hop, the last one dst_core) while it forwards it; its receiver slot frees once both landed.
  std::vector<GridPos> drop_cores;
  bool semaphore = false;     // a semaphore increment: a header-only fabric packet, an atomic at the far core
  std::vector<int> deps;      // transfers that must be done (delivered, and reduced) before this one starts
  std::vector<int> after;     // transfers its sending core must have taken up first (program order)
  int op = 0;                 // which op of the collective it belongs to: op k starts when op k-1 has ended
};

struct CollectivePlan {
  std::vector<int> devices;   // the chips, in collective order
  bool two_d = false;         // TT-Fabric 2-D mode (its latency and header); 1-D collectives use 1-D
  int ops = 1;                // programs the collective runs, one after another, each with its launch
  uint64_t payload_bytes = 0; // sum of the transfers' bytes (the traffic, counted once per hop in the stats)
  std::vector<Transfer> transfers;
};

// InputError (naming the trace's collective) when the system cannot run it: too many chips, chips not
// linked as the topology needs, fewer links than asked, packets larger than the fabric's.
CollectivePlan plan_collective(const SystemConfig& s, const Collective& c);

}  // namespace tessera::system
