#pragma once
// The architecture: one typed struct per JSON section, filled by the config loader. Components receive
// their own slice; nothing reads raw JSON after loading.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/core_config.h"
#include "noc/noc_config.h"
#include "packet_manager/packet_manager_config.h"
#include "sim/base/grid_pos.h"
#include "sim/config/energy_config.h"
#include "sim/config/mapper_choices.h"
#include "sim/config/power_config.h"

namespace tessera {

enum class TileKind { tensix, dram, unused };

struct ChipConfig {
  std::string name;
  double clock_ghz = 1.0;
  int grid_width = 0;   // NoC grid, every position has a router
  int grid_height = 0;
  std::vector<GridPos> unused_positions;  // PCIe, ARC, Ethernet, harvested rows: routers only
  // The Ethernet cores, indexed by Ethernet channel (tt-metal's numbering); each is one of unused_positions.
  std::vector<GridPos> ethernet_positions;
  // The compute grid the mapper may use, in logical core coordinates (Tensix columns and rows only).
  int compute_width = 0;
  int compute_height = 0;
};

struct DramConfig {
  std::vector<GridPos> positions;  // one channel per position
  double channel_bandwidth_gbps = 24;
  uint32_t read_latency_cycles = 300;
  uint32_t write_latency_cycles = 100;
};

struct MapperConfig {
  // A conv algorithm for every conv, or none: `auto`, the lowest estimate per layer.
  std::optional<ConvAlgorithm> conv_algorithm;
  Placement placement = Placement::layer_by_layer;
  Schedule schedule = Schedule::fused;
  DataFormat default_format = DataFormat::bf16;
  Fidelity default_fidelity = Fidelity::hifi2;
  // Tiles per compute block: the granularity at which a core's reader, compute and writer hand work on.
  uint32_t block_tiles = 8;
  // Pipelined placement: how many stages (core groups) the graph is cut into; 0 picks one per 24 cores.
  uint32_t pipeline_stages = 0;
  // Op by op: an activation stays in its producers' L1 between programs when every core's share of it is
  // at most this fraction of the core's SRAM (0: all go through DRAM), unless the trace puts it in DRAM.
  double l1_tensor_fraction = 0.5;
  // Op by op: the formats and fidelities of ops whose trace gives none (docs/mapping.md).
  OpByOpRules op_by_op_rules = OpByOpRules::tt_metal_cnn;
  // How tessera run --system splits the trace over the chips; a one-chip run ignores it.
  Parallel parallel = Parallel::data;
};

// The dispatcher of the op-by-op schedule: the firmware that launches each op's program once the op
// before it has finished on every core. `launch_cycles` runs from the last core's end to the first go
// signal (reading the next program's commands, writing kernels and runtime arguments to the cores);
// go signals then reach the op's cores one after another, `go_cycles_per_core` apart (0: one multicast).
struct DispatchConfig {
  uint32_t launch_cycles = 0;
  uint32_t go_cycles_per_core = 0;
};

struct ArchConfig {
  std::string source_file;
  ChipConfig chip;
  CoreConfig core;
  PacketManagerConfig packet_manager;
  noc::NocConfig noc;
  DramConfig dram;
  MapperConfig mapper;
  DispatchConfig dispatch;
  EnergyConfig energy;
  PowerConfig power;

  TileKind kind_at(GridPos p) const;
  // Physical positions of the Tensix cores in the compute grid, row-major by logical (x, y).
  std::vector<GridPos> compute_cores() const;
  int node_id(GridPos p) const { return p.y * chip.grid_width + p.x; }
  double cycle_ns() const { return 1.0 / chip.clock_ghz; }
  double dram_bytes_per_cycle() const { return dram.channel_bandwidth_gbps / chip.clock_ghz; }
};

}  // namespace tessera
