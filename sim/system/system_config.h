#pragma once
// A multi-chip system: chips (each an architecture config) placed on a 2-D grid of devices, and the
// Ethernet links between their Ethernet cores. Filled by system_loader from configs/systems/*.json.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/base/grid_pos.h"
#include "sim/config/arch_config.h"

namespace tessera::system {

// How TT-Fabric routes between chips: one axis (line, or ring with its wrap-around link) or two
// (mesh, or torus with wrap-around links on the axes that have them), dimension order X then Y.
enum class Routing { line, ring, mesh, torus };
const char* to_string(Routing r);

// One end of a link: a chip of the system and one of its Ethernet cores.
struct Port {
  int chip = 0;
  GridPos core;
  int channel = 0;  // the core's index in the chip's ethernet_positions
};

// One Ethernet cable: a full-duplex link, each direction at `EthernetParams::gbytes_per_s`.
struct EthLink {
  Port a, b;
  int plane = 0;  // routing plane: its index among the links of the same chip pair, in file order
};

// One direction's timing, shared by every link of the system.
struct EthernetParams {
  double gbytes_per_s = 12.5;        // line rate per direction
  // One hop, router to router: the fabric's per-hop forwarding latency. TT-Fabric's 1-D mode (line, ring)
  // and 2-D mode (mesh, torus) differ in it and in their packet headers.
  double latency_1d_ns = 711;
  double latency_2d_ns = 874;
  int framing_bytes = 50;            // per Ethernet packet: preamble, header, FEC, CRC
  int frame_bytes = 1500;            // the largest Ethernet packet's content: a longer fabric packet is split
  int fabric_header_1d_bytes = 48;   // per fabric packet: the routing header
  int fabric_header_2d_bytes = 80;
  int max_payload_bytes = 7616;      // largest payload of one fabric packet (a collective picks its own)
  int sender_slots = 8;              // packets the sender channel buffers (worker -> router)
  int receiver_slots = 16;           // packets the receiver channel buffers: the sender's credits
  // When a sender channel slot frees: false, once its packet is on the wire; true, once the far
  // receiver's completion for it is back (it has written the packet out, to the next router or the
  // destination, and said so over the link), as TT-Fabric's 1-D router does without first-level acks.
  bool sender_slots_free_on_completion = false;
};

// Bytes one fabric packet takes on the wire: payload and fabric header, split into Ethernet packets of at
// most frame_bytes, each paying framing_bytes (S-CCL's payload efficiency formula).
inline uint64_t wire_bytes(const EthernetParams& e, uint64_t payload, int header) {
  const uint64_t content = payload + uint64_t(header);
  const uint64_t frames = std::max<uint64_t>(1, (content + uint64_t(e.frame_bytes) - 1) / uint64_t(e.frame_bytes));
  return content + frames * uint64_t(e.framing_bytes);
}

// What the CCL kernels do besides moving packets (docs/systems.md, "Kernel costs"). Each part can be
// switched off, which leaves the pure data movement the closed forms of tests/system bound.
struct CclParams {
  // From the op's start to its workers' first fabric call: program dispatch, kernel start-up, opening the
  // fabric connections. Not derived: calibrated on the 2-chip all_gather of the smallest message.
  double op_launch_ns = 0;
  // The worker's side of each fabric packet (tt-metal's worker-to-router adapter): wait for a free slot of
  // the router's sender channel (a credit the router writes back over the NoC once it has sent a packet),
  // write the payload, the header and the slot pointer (one RISC-V call each), then flush.
  bool worker_handshake = true;
  // A chip's share moves hop by hop in chunks; after each chunk has landed, the sender increments a
  // semaphore on the receiver (a header-only fabric packet), and the receiver forwards (or ends) the chunk
  // only after that. False: packet-by-packet relays with no handshake.
  bool step_semaphores = true;
  // With worker_handshake: an all_gather's sending core also writes each packet of its own chip's buffer
  // into its own chip's output (a DRAM page), as all_gather_async does (the line-4 trace: a page-sized
  // write before each fabric write): a fourth RISC-V call and a second NoC write before the flush.
  bool gather_local_write = true;
  // With worker_handshake: an all_gather's packets are prepared by several workers per link and direction
  // (tt-metal all_gather_async's default_workers: 4 when more than 256 KiB cross a link, 1 for one packet
  // of 4 KiB or less, else 2, fewer if the chip lacks the cores), each writing its packets into its own
  // one-packet channel of one fabric mux core per link and direction, which forwards them to the router
  // (tt_fabric_mux forward_data: the packet, the router's slot pointer, the worker's credit) and flushes
  // before the next. The worker's own-output write and its calls are then off the mux's path.
  bool gather_mux = false;
  // The same for reduce_scatter (tt-metal reduce_scatter_minimal_async: workers per link and direction by
  // the bytes crossing each link, (N-1)/N of the buffer / links, halved on a ring; line: over 4 MiB 8, over
  // 512 KiB 4, else 2; ring: over 50 MiB 8, over 1 MiB 4, else 2; fewer if the chip lacks the cores), each
  // worker reducing what it receives and sending the running sum on through its direction's mux.
  bool reduce_mux = false;
  // Whole tiles per reduce_scatter packet (and all_reduce's first op), at most the fabric packet's worth:
  // tt-metal reduce_scatter_minimal_async sends each packet as a NoC scatter write, one address per tile,
  // and the scatter write takes 2 addresses at most (max_target_noc_addresses_per_packet = 2), so a
  // bfloat16 packet carries 4096 B whatever the fabric's buffer size. 0: the trace's packet_bytes.
  int reduce_tiles_per_packet = 0;
  // The tensors are in DRAM (as S-CCL measured them): a packet's last hop writes it into a DRAM bank of the
  // receiving chip (dram.write_latency_cycles after its NoC write), and a worker that forwards or reduces it
  // first reads it back into its L1 (dram.read_latency_cycles and the NoC transfer; a reduction also reads
  // its own operand, in parallel). A latency per packet: throughput is unchanged, as S-CCL finds.
  bool tensors_in_dram = true;
  // Packets per chunk: tt-metal's chunks_per_sync defaults (reduce_scatter_minimal_async: 20 on a line, 80
  // on a ring; all_gather_async: 160 at most).
  int reduce_packets_per_sync_line = 20;
  int reduce_packets_per_sync_ring = 80;
  int gather_packets_per_sync = 160;
};

struct SystemConfig {
  std::string name;
  std::string source_file;
  std::vector<std::string> chip_files;  // per chip, the preset it was loaded from
  std::vector<ArchConfig> chips;        // indexed by device id
  int cols = 1, rows = 1;               // the device grid
  std::vector<int> device_at;           // row-major grid cell -> device id
  std::vector<GridPos> position_of;     // device id -> (col, row)
  bool wrap_x = false, wrap_y = false;  // ring links close each row / each column
  Routing routing = Routing::line;
  EthernetParams ethernet;
  CclParams ccl;
  std::vector<EthLink> links;

  int num_chips() const { return int(chips.size()); }
};

}  // namespace tessera::system
