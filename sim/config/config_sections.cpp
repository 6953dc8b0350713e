// Turns the effective config JSON into typed structs, one parser per section.
#include <cmath>

#include "core/compute_costs.h"
#include "sim/base/errors.h"
#include "sim/config/config_checks.h"
#include "sim/config/config_loader.h"
#include "sim/config/power_section.h"

namespace tessera {
namespace {

// Upper bounds of the numeric fields (docs/configs.md lists them): far beyond any real chip, low enough
// that no product of them overflows the 64-bit cycle and byte counts downstream.
constexpr int kMaxGridSide = 256;                  // routers per row or column
constexpr uint32_t kMaxSramKib = 1u << 20;         // 1 GiB per core
constexpr uint32_t kMaxBytesPerCycle = 65536;      // any engine's or port's rate
constexpr uint32_t kMaxCyclesPerTile = 1000000;    // any per-tile compute cost
constexpr uint32_t kMaxLatencyCycles = 1000000;    // fixed latencies and launch costs
constexpr int kMaxRouterDelay = 1000;              // one router pipeline stage or link, cycles
constexpr double kMaxPicojoules = 1e6;             // energy of one action (pJ) or static power (mW)

std::vector<GridPos> read_positions(ObjectReader& r, const std::string& key, int width, int height) {
  std::vector<GridPos> out;
  const Json* v = r.optional_value(key);
  if (!v) return out;
  if (!v->is_array()) r.fail(key, "an array of [x, y] positions", *v);
  for (size_t i = 0; i < v->size(); ++i) {
    const Json& p = (*v)[i];
    const std::string where = r.path_of(key) + "/" + std::to_string(i);
    if (!p.is_array() || p.size() != 2 || !p[0].is_number_integer() || !p[1].is_number_integer())
      throw input_error(r.file(), where, "expected [x, y] with integer coordinates, got " + describe_json(p));
    int64_t x = -1, y = -1;
    if (!whole_number_in(p[0], 0, width - 1, &x) || !whole_number_in(p[1], 0, height - 1, &y))
      throw input_error(r.file(), where,
                        "expected a position inside the " + std::to_string(width) + "x" + std::to_string(height) +
                            " grid, got " + describe_json(p));
    out.push_back(GridPos{int(x), int(y)});
  }
  return out;
}

ChipConfig parse_chip(ObjectReader r) {
  ChipConfig c;
  c.name = r.string("name", "unnamed chip");
  c.clock_ghz = r.number_in("clock_ghz", 0.01, 10, 1.0);
  c.grid_width = r.int_in("grid_width", 1, kMaxGridSide, 1);
  c.grid_height = r.int_in("grid_height", 1, kMaxGridSide, 1);
  c.unused_positions = read_positions(r, "unused_positions", c.grid_width, c.grid_height);
  c.ethernet_positions = read_positions(r, "ethernet_positions", c.grid_width, c.grid_height);
  ObjectReader g = r.object("compute_grid");
  c.compute_width = g.int_in("width", 1, kMaxGridSide, 1);
  c.compute_height = g.int_in("height", 1, kMaxGridSide, 1);
  g.reject_unknown_keys();
  r.reject_unknown_keys();
  return c;
}

std::array<uint32_t, 4> read_fidelity_table(ObjectReader& r, const std::string& key, std::array<uint32_t, 4> d) {
  if (!r.has(key)) { r.optional_value(key); return d; }
  ObjectReader t = r.object(key);
  std::array<uint32_t, 4> out{};
  const char* names[4] = {"lofi", "hifi2", "hifi3", "hifi4"};
  for (int i = 0; i < 4; ++i) out[i] = t.uint32_in(names[i], 1, kMaxCyclesPerTile, d[i]);
  t.reject_unknown_keys();
  return out;
}

CoreConfig parse_core(ObjectReader r) {
  CoreConfig c;
  c.sram_kib = r.uint32_in("sram_kib", 1, kMaxSramKib, c.sram_kib);
  c.sram_read_bytes_per_cycle = r.uint32_in("sram_read_bytes_per_cycle", 1, kMaxBytesPerCycle, c.sram_read_bytes_per_cycle);
  c.sram_write_bytes_per_cycle = r.uint32_in("sram_write_bytes_per_cycle", 1, kMaxBytesPerCycle, c.sram_write_bytes_per_cycle);
  c.matmul_cycles_per_tile = read_fidelity_table(r, "matmul_cycles_per_tile", c.matmul_cycles_per_tile);
  c.matmul_min_rows = r.uint32_in("matmul_min_rows", 1, 32, c.matmul_min_rows);
  c.eltwise_add_cycles_per_tile = r.uint32_in("eltwise_add_cycles_per_tile", 1, kMaxCyclesPerTile, c.eltwise_add_cycles_per_tile);
  c.eltwise_mul_cycles_per_tile = r.uint32_in("eltwise_mul_cycles_per_tile", 1, kMaxCyclesPerTile, c.eltwise_mul_cycles_per_tile);
  c.reduce_cycles_per_tile = r.uint32_in("reduce_cycles_per_tile", 1, kMaxCyclesPerTile, c.reduce_cycles_per_tile);
  c.vector_cycles_per_tile = default_vector_cycles_per_tile();
  if (r.has("vector_cycles_per_tile")) {
    ObjectReader v = r.object("vector_cycles_per_tile");
    for (auto& [name, cycles] : c.vector_cycles_per_tile) cycles = v.uint32_in(name, 1, kMaxCyclesPerTile, cycles);
    v.reject_unknown_keys();
  }
  c.unpack_bytes_per_cycle = r.uint32_in("unpack_bytes_per_cycle", 1, kMaxBytesPerCycle, c.unpack_bytes_per_cycle);
  c.unpack_compressed_bytes_per_cycle =
      r.uint32_in("unpack_compressed_bytes_per_cycle", 1, kMaxBytesPerCycle, c.unpack_compressed_bytes_per_cycle);
  c.pack_bytes_per_cycle = r.uint32_in("pack_bytes_per_cycle", 1, kMaxBytesPerCycle, c.pack_bytes_per_cycle);
  c.kernel_launch_cycles = r.uint32_in("kernel_launch_cycles", 0, kMaxLatencyCycles, c.kernel_launch_cycles);
  c.llk_tile_cycles = r.uint32_in("llk_tile_cycles", 0, kMaxCyclesPerTile, c.llk_tile_cycles);
  c.llk_pass_cycles = r.uint32_in("llk_pass_cycles", 0, kMaxLatencyCycles, c.llk_pass_cycles);
  c.l1_mover_bytes = r.uint32_in("l1_mover_bytes", 1, kMaxBytesPerCycle, c.l1_mover_bytes);
  c.l1_mover_cycles = r.uint32_in("l1_mover_cycles", 1, kMaxCyclesPerTile, c.l1_mover_cycles);
  c.riscv_l1_store_bytes = r.uint32_in("riscv_l1_store_bytes", 1, kMaxBytesPerCycle, c.riscv_l1_store_bytes);
  c.riscv_l1_store_cycles = r.uint32_in("riscv_l1_store_cycles", 1, kMaxCyclesPerTile, c.riscv_l1_store_cycles);
  r.reject_unknown_keys();
  return c;
}

PacketManagerConfig parse_packet_manager(ObjectReader r) {
  PacketManagerConfig p;
  p.dma_read_bytes_per_cycle = r.uint32_in("dma_read_bytes_per_cycle", 1, kMaxBytesPerCycle, p.dma_read_bytes_per_cycle);
  p.dma_write_bytes_per_cycle = r.uint32_in("dma_write_bytes_per_cycle", 1, kMaxBytesPerCycle, p.dma_write_bytes_per_cycle);
  p.compression = r.boolean("compression", p.compression);
  p.compress_bytes_per_cycle = r.uint32_in("compress_bytes_per_cycle", 1, kMaxBytesPerCycle, p.compress_bytes_per_cycle);
  p.decompress_bytes_per_cycle = r.uint32_in("decompress_bytes_per_cycle", 1, kMaxBytesPerCycle, p.decompress_bytes_per_cycle);
  p.default_density = r.number_in("default_density", 0, 1, p.default_density);
  p.reshape_engine = r.boolean("reshape_engine", p.reshape_engine);
  p.reshape_bytes_per_cycle = r.uint32_in("reshape_bytes_per_cycle", 1, kMaxBytesPerCycle, p.reshape_bytes_per_cycle);
  // Rows split a 32x32 tile evenly and keep their first and last datum.
  p.compression_row_datums = r.uint32_in("compression_row_datums", 2, 1024, p.compression_row_datums);
  if (1024 % p.compression_row_datums != 0)
    r.fail("compression_row_datums", "a divisor of 1024 from 2 to 1024", Json(p.compression_row_datums));
  if (r.has("engine")) {  // the data-movement engine model (docs/configs.md, "packet_manager.engine")
    ObjectReader e = r.object("engine");
    DataMovementEngineConfig& d = p.engine;
    d.riscv_issue_cycles = e.uint32_in("riscv_issue_cycles", 0, kMaxLatencyCycles, d.riscv_issue_cycles);
    d.riscv_store_cycles = e.uint32_in("riscv_store_cycles", 0, kMaxLatencyCycles, d.riscv_store_cycles);
    d.riscv_local_read_cycles = e.uint32_in("riscv_local_read_cycles", 0, kMaxLatencyCycles, d.riscv_local_read_cycles);
    d.niu_read_credits = e.uint32_in("niu_read_credits", 1, 65536, d.niu_read_credits);
    d.request_bytes = e.uint32_in("request_bytes", 0, 1u << 20, d.request_bytes);
    d.response_packet_bytes = e.uint32_in("response_packet_bytes", 1, 1u << 20, d.response_packet_bytes);
    d.l1_read_latency_cycles = e.uint32_in("l1_read_latency_cycles", 0, kMaxLatencyCycles, d.l1_read_latency_cycles);
    d.niu_response_bytes_per_cycle = e.number_in("niu_response_bytes_per_cycle", 1e-3, kMaxBytesPerCycle, d.niu_response_bytes_per_cycle);
    e.reject_unknown_keys();
  }
  r.reject_unknown_keys();
  return p;
}

noc::NocConfig parse_noc(ObjectReader r, const ChipConfig& chip) {
  noc::NocConfig n;
  n.width = chip.grid_width;
  n.height = chip.grid_height;
  const std::string topology = r.one_of("topology", {"torus", "tt_dual", "mesh"}, "torus");
  n.topology = topology == "torus" ? noc::Topology::torus
               : topology == "mesh" ? noc::Topology::mesh : noc::Topology::tt_dual;
  const std::string model = r.one_of("model", {"flit", "packet", "ideal"}, "packet");
  n.fidelity = model == "flit" ? noc::Fidelity::flit : model == "ideal" ? noc::Fidelity::ideal : noc::Fidelity::packet;
  const std::string select = r.one_of("noc_select", {"fixed", "shortest", "least_loaded"}, "shortest");
  n.noc_select = select == "fixed" ? noc::NocSelect::fixed
                 : select == "shortest" ? noc::NocSelect::shortest : noc::NocSelect::least_loaded;
  n.link_bytes_per_cycle = r.int_in("link_bytes_per_cycle", 1, 4096, 32);
  n.num_vcs = r.int_in("num_vcs", 1, 64, 2);
  n.vc_buf_flits = r.int_in("vc_buf_flits", 1, 1024, 8);
  n.max_packet_bytes = r.int_in("max_packet_bytes", 1, 1 << 20, 8192);
  n.header_flits = r.int_in("header_flits", 0, 64, 1);
  n.injection_latency = r.int_in("injection_latency_cycles", 0, kMaxLatencyCycles, 0);
  n.ejection_latency = r.int_in("ejection_latency_cycles", 0, kMaxLatencyCycles, 0);
  n.watchdog_cycles = uint64_t(r.integer("watchdog_cycles", 1, 1000000000, 100000));
  if (r.has("router_delays")) {
    ObjectReader d = r.object("router_delays");
    n.delays.routing = d.int_in("routing", 0, kMaxRouterDelay, n.delays.routing);
    n.delays.vc_alloc = d.int_in("vc_alloc", 0, kMaxRouterDelay, n.delays.vc_alloc);
    n.delays.sw_alloc = d.int_in("sw_alloc", 0, kMaxRouterDelay, n.delays.sw_alloc);
    n.delays.st_prepare = d.int_in("st_prepare", 0, kMaxRouterDelay, n.delays.st_prepare);
    n.delays.st_final = d.int_in("st_final", 0, kMaxRouterDelay, n.delays.st_final);
    n.delays.link = d.int_in("link", 1, kMaxRouterDelay, n.delays.link);
    n.delays.credit = d.int_in("credit", 0, kMaxRouterDelay, n.delays.credit);
    d.reject_unknown_keys();
  }
  r.reject_unknown_keys();
  return n;
}

DramConfig parse_dram(ObjectReader r, const ChipConfig& chip) {
  DramConfig d;
  d.positions = read_positions(r, "positions", chip.grid_width, chip.grid_height);
  if (d.positions.empty()) r.fail("positions", "at least one DRAM channel position [x, y]", Json::array());
  d.channel_bandwidth_gbps = r.number_in("channel_bandwidth_gbps", 1e-3, 1e5, d.channel_bandwidth_gbps);
  d.read_latency_cycles = r.uint32_in("read_latency_cycles", 0, kMaxLatencyCycles, d.read_latency_cycles);
  d.write_latency_cycles = r.uint32_in("write_latency_cycles", 0, kMaxLatencyCycles, d.write_latency_cycles);
  r.reject_unknown_keys();
  return d;
}

MapperConfig parse_mapper(ObjectReader r) {
  MapperConfig m;
  std::vector<std::string> algorithms = conv_algorithm_names();
  algorithms.insert(algorithms.begin(), "auto");
  m.conv_algorithm = parse_conv_algorithm(r.one_of("conv_algorithm", algorithms, "auto"));
  m.placement = *parse_placement(r.one_of("placement", placement_names(), "layer_by_layer"));
  m.schedule = *parse_schedule(r.one_of("schedule", schedule_names(), "fused"));
  m.default_format = *parse_data_format(
      r.one_of("default_format", {"fp32", "bf16", "fp16", "bfp8", "bfp4", "bfp2"}, "bf16"));
  m.default_fidelity = *parse_fidelity(r.one_of("default_fidelity", {"lofi", "hifi2", "hifi3", "hifi4"}, "hifi2"));
  m.block_tiles = r.uint32_in("block_tiles", 1, 65536, m.block_tiles);
  m.pipeline_stages = r.uint32_in("pipeline_stages", 0, 4096, m.pipeline_stages);
  m.l1_tensor_fraction = r.number_in("l1_tensor_fraction", 0.0, 1.0, m.l1_tensor_fraction);
  m.op_by_op_rules = *parse_op_by_op_rules(r.one_of("op_by_op_rules", op_by_op_rules_names(), "tt_metal_cnn"));
  m.parallel = *parse_parallel(r.one_of("parallel", parallel_names(), "data"));
  r.reject_unknown_keys();
  return m;
}

DispatchConfig parse_dispatch(ObjectReader r) {
  DispatchConfig d;
  d.launch_cycles = r.uint32_in("launch_cycles", 0, kMaxLatencyCycles, d.launch_cycles);
  d.go_cycles_per_core = r.uint32_in("go_cycles_per_core", 0, kMaxLatencyCycles, d.go_cycles_per_core);
  r.reject_unknown_keys();
  return d;
}

EnergyConfig parse_energy(ObjectReader r) {
  EnergyConfig e;
  if (r.has("mac_pj")) {
    ObjectReader m = r.object("mac_pj");
    const char* names[6] = {"fp32", "bf16", "fp16", "bfp8", "bfp4", "bfp2"};
    for (int i = 0; i < 6; ++i) e.mac_pj[i] = m.number_in(names[i], 0, kMaxPicojoules, 0);
    m.reject_unknown_keys();
  }
  e.vector_op_pj = r.number_in("vector_op_pj", 0, kMaxPicojoules, 0);
  e.vector_instructions_per_tile = r.number_in("vector_instructions_per_tile", 0, kMaxPicojoules, 32);
  e.sram_read_pj_per_byte = r.number_in("sram_read_pj_per_byte", 0, kMaxPicojoules, 0);
  e.sram_write_pj_per_byte = r.number_in("sram_write_pj_per_byte", 0, kMaxPicojoules, 0);
  e.noc_router_pj_per_flit = r.number_in("noc_router_pj_per_flit", 0, kMaxPicojoules, 0);
  e.noc_link_pj_per_flit = r.number_in("noc_link_pj_per_flit", 0, kMaxPicojoules, 0);
  e.compress_pj_per_byte = r.number_in("compress_pj_per_byte", 0, kMaxPicojoules, 0);
  e.decompress_pj_per_byte = r.number_in("decompress_pj_per_byte", 0, kMaxPicojoules, 0);
  e.reshape_pj_per_byte = r.number_in("reshape_pj_per_byte", 0, kMaxPicojoules, 0);
  e.dram_pj_per_byte = r.number_in("dram_pj_per_byte", 0, kMaxPicojoules, 0);
  e.core_static_mw = r.number_in("core_static_mw", 0, kMaxPicojoules, 0);
  e.core_clock_mw = r.number_in("core_clock_mw", 0, kMaxPicojoules, 0);
  e.router_static_mw = r.number_in("router_static_mw", 0, kMaxPicojoules, 0);
  e.dram_channel_static_mw = r.number_in("dram_channel_static_mw", 0, kMaxPicojoules, 0);
  r.reject_unknown_keys();
  return e;
}

}  // namespace

ArchConfig parse_arch_config(const Json& config, const std::string& label) {
  ObjectReader top(config, label, "");
  top.string("description", "");
  ArchConfig a;
  a.chip = parse_chip(top.object("chip"));
  a.core = parse_core(top.object("core"));
  a.packet_manager = parse_packet_manager(top.has("packet_manager") ? top.object("packet_manager")
                                                                    : ObjectReader(Json::object(), label, "/packet_manager"));
  a.noc = parse_noc(top.object("noc"), a.chip);
  a.dram = parse_dram(top.object("dram"), a.chip);
  a.mapper = parse_mapper(top.has("mapper") ? top.object("mapper") : ObjectReader(Json::object(), label, "/mapper"));
  a.dispatch = parse_dispatch(top.has("dispatch") ? top.object("dispatch") : ObjectReader(Json::object(), label, "/dispatch"));
  a.energy = parse_energy(top.has("energy") ? top.object("energy") : ObjectReader(Json::object(), label, "/energy"));
  a.power = parse_power(top.has("power") ? top.object("power") : ObjectReader(Json::object(), label, "/power"), a.chip);
  top.reject_unknown_keys();
  check_arch_config(a, label);
  return a;
}

}  // namespace tessera
