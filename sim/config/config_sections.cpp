// Turns the effective config JSON into typed structs, one parser per section.
#include <cmath>

#include "core/compute_costs.h"
#include "sim/base/errors.h"
#include "sim/config/config_checks.h"
#include "sim/config/config_loader.h"

namespace tessera {
namespace {

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
    GridPos g{p[0].get<int>(), p[1].get<int>()};
    if (g.x < 0 || g.y < 0 || g.x >= width || g.y >= height)
      throw input_error(r.file(), where,
                        "expected a position inside the " + std::to_string(width) + "x" + std::to_string(height) +
                            " grid, got " + describe_json(p));
    out.push_back(g);
  }
  return out;
}

ChipConfig parse_chip(ObjectReader r) {
  ChipConfig c;
  c.name = r.string("name", "unnamed chip");
  c.clock_ghz = r.number_in("clock_ghz", 0.01, 10, 1.0);
  c.grid_width = static_cast<int>(r.positive_int("grid_width", 1));
  c.grid_height = static_cast<int>(r.positive_int("grid_height", 1));
  if (c.grid_width > 256 || c.grid_height > 256)
    throw input_error(r.file(), r.path_of("grid_width"), "expected a grid of at most 256x256 routers");
  c.unused_positions = read_positions(r, "unused_positions", c.grid_width, c.grid_height);
  ObjectReader g = r.object("compute_grid");
  c.compute_width = static_cast<int>(g.positive_int("width", 1));
  c.compute_height = static_cast<int>(g.positive_int("height", 1));
  g.reject_unknown_keys();
  r.reject_unknown_keys();
  return c;
}

std::array<uint32_t, 4> read_fidelity_table(ObjectReader& r, const std::string& key, std::array<uint32_t, 4> d) {
  if (!r.has(key)) { r.optional_value(key); return d; }
  ObjectReader t = r.object(key);
  std::array<uint32_t, 4> out{};
  const char* names[4] = {"lofi", "hifi2", "hifi3", "hifi4"};
  for (int i = 0; i < 4; ++i) out[i] = t.positive_int(names[i], d[i]);
  t.reject_unknown_keys();
  return out;
}

CoreConfig parse_core(ObjectReader r) {
  CoreConfig c;
  c.sram_kib = r.positive_int("sram_kib", c.sram_kib);
  c.sram_read_bytes_per_cycle = r.positive_int("sram_read_bytes_per_cycle", c.sram_read_bytes_per_cycle);
  c.sram_write_bytes_per_cycle = r.positive_int("sram_write_bytes_per_cycle", c.sram_write_bytes_per_cycle);
  c.matmul_cycles_per_tile = read_fidelity_table(r, "matmul_cycles_per_tile", c.matmul_cycles_per_tile);
  c.matmul_min_rows = r.positive_int("matmul_min_rows", c.matmul_min_rows);
  if (c.matmul_min_rows > 32) r.fail("matmul_min_rows", "an integer in [1, 32]", Json(c.matmul_min_rows));
  c.eltwise_add_cycles_per_tile = r.positive_int("eltwise_add_cycles_per_tile", c.eltwise_add_cycles_per_tile);
  c.eltwise_mul_cycles_per_tile = r.positive_int("eltwise_mul_cycles_per_tile", c.eltwise_mul_cycles_per_tile);
  c.reduce_cycles_per_tile = r.positive_int("reduce_cycles_per_tile", c.reduce_cycles_per_tile);
  c.vector_cycles_per_tile = default_vector_cycles_per_tile();
  if (r.has("vector_cycles_per_tile")) {
    ObjectReader v = r.object("vector_cycles_per_tile");
    for (auto& [name, cycles] : c.vector_cycles_per_tile) cycles = v.positive_int(name, cycles);
    v.reject_unknown_keys();
  }
  c.unpack_bytes_per_cycle = r.positive_int("unpack_bytes_per_cycle", c.unpack_bytes_per_cycle);
  c.unpack_compressed_bytes_per_cycle =
      r.positive_int("unpack_compressed_bytes_per_cycle", c.unpack_compressed_bytes_per_cycle);
  c.pack_bytes_per_cycle = r.positive_int("pack_bytes_per_cycle", c.pack_bytes_per_cycle);
  c.kernel_launch_cycles = r.non_negative_int("kernel_launch_cycles", c.kernel_launch_cycles);
  c.l1_mover_bytes = r.positive_int("l1_mover_bytes", c.l1_mover_bytes);
  c.l1_mover_cycles = r.positive_int("l1_mover_cycles", c.l1_mover_cycles);
  c.riscv_l1_store_bytes = r.positive_int("riscv_l1_store_bytes", c.riscv_l1_store_bytes);
  c.riscv_l1_store_cycles = r.positive_int("riscv_l1_store_cycles", c.riscv_l1_store_cycles);
  r.reject_unknown_keys();
  return c;
}

PacketManagerConfig parse_packet_manager(ObjectReader r) {
  PacketManagerConfig p;
  p.dma_read_bytes_per_cycle = r.positive_int("dma_read_bytes_per_cycle", p.dma_read_bytes_per_cycle);
  p.dma_write_bytes_per_cycle = r.positive_int("dma_write_bytes_per_cycle", p.dma_write_bytes_per_cycle);
  p.compression = r.boolean("compression", p.compression);
  p.compress_bytes_per_cycle = r.positive_int("compress_bytes_per_cycle", p.compress_bytes_per_cycle);
  p.decompress_bytes_per_cycle = r.positive_int("decompress_bytes_per_cycle", p.decompress_bytes_per_cycle);
  p.default_density = r.number_in("default_density", 0, 1, p.default_density);
  p.reshape_engine = r.boolean("reshape_engine", p.reshape_engine);
  p.reshape_bytes_per_cycle = r.positive_int("reshape_bytes_per_cycle", p.reshape_bytes_per_cycle);
  p.compression_row_datums = r.positive_int("compression_row_datums", p.compression_row_datums);
  // Rows split a 32x32 tile evenly and keep their first and last datum.
  if (p.compression_row_datums < 2 || p.compression_row_datums > 1024 || 1024 % p.compression_row_datums != 0)
    r.fail("compression_row_datums", "a divisor of 1024 from 2 to 1024", Json(p.compression_row_datums));
  if (r.has("engine")) {  // the data-movement engine model (docs/configs.md, "packet_manager.engine")
    ObjectReader e = r.object("engine");
    DataMovementEngineConfig& d = p.engine;
    d.riscv_issue_cycles = e.non_negative_int("riscv_issue_cycles", d.riscv_issue_cycles);
    d.niu_read_credits = e.positive_int("niu_read_credits", d.niu_read_credits);
    d.request_bytes = e.non_negative_int("request_bytes", d.request_bytes);
    d.response_packet_bytes = e.positive_int("response_packet_bytes", d.response_packet_bytes);
    d.l1_read_latency_cycles = e.non_negative_int("l1_read_latency_cycles", d.l1_read_latency_cycles);
    d.niu_response_bytes_per_cycle = e.positive_number("niu_response_bytes_per_cycle", d.niu_response_bytes_per_cycle);
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
  n.link_bytes_per_cycle = static_cast<int>(r.positive_int("link_bytes_per_cycle", 32));
  n.num_vcs = static_cast<int>(r.positive_int("num_vcs", 2));
  n.vc_buf_flits = static_cast<int>(r.positive_int("vc_buf_flits", 8));
  n.max_packet_bytes = static_cast<int>(r.positive_int("max_packet_bytes", 8192));
  n.header_flits = static_cast<int>(r.non_negative_int("header_flits", 1));
  n.injection_latency = static_cast<int>(r.non_negative_int("injection_latency_cycles", 0));
  n.ejection_latency = static_cast<int>(r.non_negative_int("ejection_latency_cycles", 0));
  n.watchdog_cycles = r.positive_int("watchdog_cycles", 100000);
  if (r.has("router_delays")) {
    ObjectReader d = r.object("router_delays");
    n.delays.routing = static_cast<int>(d.non_negative_int("routing", n.delays.routing));
    n.delays.vc_alloc = static_cast<int>(d.non_negative_int("vc_alloc", n.delays.vc_alloc));
    n.delays.sw_alloc = static_cast<int>(d.non_negative_int("sw_alloc", n.delays.sw_alloc));
    n.delays.st_prepare = static_cast<int>(d.non_negative_int("st_prepare", n.delays.st_prepare));
    n.delays.st_final = static_cast<int>(d.non_negative_int("st_final", n.delays.st_final));
    n.delays.link = static_cast<int>(d.positive_int("link", n.delays.link));
    n.delays.credit = static_cast<int>(d.non_negative_int("credit", n.delays.credit));
    d.reject_unknown_keys();
  }
  r.reject_unknown_keys();
  return n;
}

DramConfig parse_dram(ObjectReader r, const ChipConfig& chip) {
  DramConfig d;
  d.positions = read_positions(r, "positions", chip.grid_width, chip.grid_height);
  if (d.positions.empty()) r.fail("positions", "at least one DRAM channel position [x, y]", Json::array());
  d.channel_bandwidth_gbps = r.positive_number("channel_bandwidth_gbps", d.channel_bandwidth_gbps);
  d.read_latency_cycles = r.non_negative_int("read_latency_cycles", d.read_latency_cycles);
  d.write_latency_cycles = r.non_negative_int("write_latency_cycles", d.write_latency_cycles);
  r.reject_unknown_keys();
  return d;
}

MapperConfig parse_mapper(ObjectReader r) {
  MapperConfig m;
  std::vector<std::string> algorithms = conv_algorithm_names();
  algorithms.insert(algorithms.begin(), "auto");
  m.conv_algorithm = parse_conv_algorithm(r.one_of("conv_algorithm", algorithms, "auto"));
  m.placement = *parse_placement(r.one_of("placement", placement_names(), "layer_by_layer"));
  m.default_format = *parse_data_format(
      r.one_of("default_format", {"fp32", "bf16", "fp16", "bfp8", "bfp4", "bfp2"}, "bf16"));
  m.default_fidelity = *parse_fidelity(r.one_of("default_fidelity", {"lofi", "hifi2", "hifi3", "hifi4"}, "hifi2"));
  m.block_tiles = r.positive_int("block_tiles", m.block_tiles);
  m.pipeline_stages = r.non_negative_int("pipeline_stages", m.pipeline_stages);
  r.reject_unknown_keys();
  return m;
}

EnergyConfig parse_energy(ObjectReader r) {
  EnergyConfig e;
  if (r.has("mac_pj")) {
    ObjectReader m = r.object("mac_pj");
    const char* names[6] = {"fp32", "bf16", "fp16", "bfp8", "bfp4", "bfp2"};
    for (int i = 0; i < 6; ++i) e.mac_pj[i] = m.non_negative_number(names[i], 0);
    m.reject_unknown_keys();
  }
  e.vector_op_pj = r.non_negative_number("vector_op_pj", 0);
  e.vector_instructions_per_tile = r.non_negative_number("vector_instructions_per_tile", 32);
  e.sram_read_pj_per_byte = r.non_negative_number("sram_read_pj_per_byte", 0);
  e.sram_write_pj_per_byte = r.non_negative_number("sram_write_pj_per_byte", 0);
  e.noc_router_pj_per_flit = r.non_negative_number("noc_router_pj_per_flit", 0);
  e.noc_link_pj_per_flit = r.non_negative_number("noc_link_pj_per_flit", 0);
  e.compress_pj_per_byte = r.non_negative_number("compress_pj_per_byte", 0);
  e.decompress_pj_per_byte = r.non_negative_number("decompress_pj_per_byte", 0);
  e.reshape_pj_per_byte = r.non_negative_number("reshape_pj_per_byte", 0);
  e.dram_pj_per_byte = r.non_negative_number("dram_pj_per_byte", 0);
  e.core_static_mw = r.non_negative_number("core_static_mw", 0);
  e.router_static_mw = r.non_negative_number("router_static_mw", 0);
  e.dram_channel_static_mw = r.non_negative_number("dram_channel_static_mw", 0);
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
  a.energy = parse_energy(top.has("energy") ? top.object("energy") : ObjectReader(Json::object(), label, "/energy"));
  top.reject_unknown_keys();
  check_arch_config(a, label);
  return a;
}

}  // namespace tessera
