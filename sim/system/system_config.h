#pragma once
// A multi-chip system: chips (each an architecture config) placed on a 2-D grid of devices, and the
// Ethernet links between their Ethernet cores. Filled by system_loader from configs/systems/*.json.
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
  int fabric_header_1d_bytes = 48;   // per fabric packet: the routing header
  int fabric_header_2d_bytes = 80;
  int max_payload_bytes = 7616;      // largest payload of one fabric packet (a collective picks its own)
  int sender_slots = 8;              // packets the sender channel buffers (worker -> router)
  int receiver_slots = 16;           // packets the receiver channel buffers: the sender's credits
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
  std::vector<EthLink> links;

  int num_chips() const { return int(chips.size()); }
};

}  // namespace tessera::system
