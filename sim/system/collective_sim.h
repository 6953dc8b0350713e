#pragma once
// Runs a collective plan as data movement on a system. Each chip's NoC is the chip config's NoC model
// (flit, packet or ideal, as noc.model says); each Ethernet link direction is a timed channel between
// two Ethernet cores, run in a small event loop (no SystemC), as tessera noc-trace replays a trace.
//
// One fabric packet's life: the sending core waits for a free slot in the local sender channel of its
// first hop's Ethernet core and writes the packet there over its chip's NoC (payload + fabric header). The
// router sends it when the receiver channel at the far end has a free slot (it holds one credit per
// slot) and the link is free: payload + header + Ethernet framing at the line rate; it arrives one hop
// latency after its last byte left. The receiving router forwards it over its chip's NoC, to the next
// hop's forwarding sender channel (once that has a slot; the router serves its local and forwarding
// channels in turn) or, on the last hop, into the destination core's SRAM
// (NoC1 on a two-NoC chip). The receiver slot frees when that NoC write lands; its credit is back at the
// sender one hop latency later, and with ethernet.sender_slots_free_on_completion so is the packet's slot
// in the sender channel it left from (else that slot frees once the packet is on the wire). A reduced packet then occupies the destination core's vector path
// (unpack two operands, add on the matrix unit, pack: core/compute_costs) before it counts as arrived.
//
// With the system's ccl.worker_handshake the sending core's side is modelled as tt-metal's worker-to-router
// adapter does it (collective_sim.cpp, worker_next): slot credits the router writes back over the NoC,
// three RISC-V calls per packet, a flush. Each op of the plan starts ccl.op_launch_ns after the one before
// it has ended.
#include <cstdint>
#include <vector>

#include "sim/system/collective_plan.h"
#include "sim/system/system_config.h"

namespace tessera::system {

struct LinkDirectionUse {
  int link = 0;
  bool a_to_b = true;
  uint64_t packets = 0;
  uint64_t payload_bytes = 0;
  uint64_t wire_bytes = 0;    // payload + fabric header + framing
  double busy_cycles = 0;     // time spent sending
  double first_cycle = 0;     // when its first packet started
  double last_cycle = 0;      // when its last packet's last byte left
};

struct CollectiveRun {
  uint64_t cycles = 0;        // from the op's start (its launch first) to the last packet's arrival (and reduction)
  double clock_ghz = 1;
  uint64_t transfers = 0;
  uint64_t reduce_cycles = 0; // summed over the receiving cores
  int ops = 1;                // programs run one after another (all_reduce: 2)
  uint64_t launch_cycles = 0; // each op's launch (ccl.op_launch_ns), summed over the ops
  uint64_t semaphores = 0;    // semaphore increments among the transfers
  uint64_t slot_wait_cycles = 0;  // summed over the sending cores: spinning for a free sender slot
  std::vector<LinkDirectionUse> links;  // every direction that carried a packet, by link then direction
};

CollectiveRun simulate_collective(const SystemConfig& s, const CollectivePlan& plan, DataFormat dtype);

}  // namespace tessera::system
