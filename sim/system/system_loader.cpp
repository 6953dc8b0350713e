#include "sim/system/system_loader.h"

#include <filesystem>
#include <set>

#include "sim/base/errors.h"
#include "sim/config/config_loader.h"
#include "sim/config/json_reader.h"
#include "sim/system/system_checks.h"

namespace tessera::system {
namespace fs = std::filesystem;
namespace {

constexpr int kMaxChips = 1024;

std::string resolve(const std::string& system_file, const std::string& chip_file) {
  return (fs::path(system_file).parent_path() / chip_file).lexically_normal().string();
}

void read_chips(ObjectReader& s, const std::string& file, const std::vector<std::string>& chip_overrides,
                SystemConfig& out) {
  std::vector<std::string> names;
  if (s.has("chip") == s.has("chips"))
    throw input_error(file, "/system", "expected exactly one of \"chip\" (one preset for every device) or \"chips\" "
                                       "(one preset per device)");
  if (s.has("chips")) {
    const Json& list = s.required_value("chips");
    if (!list.is_array() || list.empty() || list.size() > size_t(kMaxChips))
      s.fail("chips", "a list of 1 to " + std::to_string(kMaxChips) + " chip config file names", list);
    for (size_t i = 0; i < list.size(); ++i) {
      if (!list[i].is_string() || list[i].get<std::string>().empty())
        throw input_error(file, "/system/chips/" + std::to_string(i), "expected a chip config file name, got " +
                                                                          describe_json(list[i]));
      names.push_back(list[i].get<std::string>());
    }
  } else {
    names.push_back(s.string("chip", ""));
    if (names[0].empty()) s.fail("chip", "a chip config file name", s.required_value("chip"));
  }
  const std::string key = s.has("chips") ? "/system/chips/" : "/system/chip";
  for (size_t i = 0; i < names.size(); ++i) {
    const std::string path = resolve(file, names[i]);
    std::error_code ec;
    if (!fs::is_regular_file(path, ec))
      throw input_error(file, s.has("chips") ? key + std::to_string(i) : key,
                        "expected an existing chip config file, got \"" + names[i] + "\" (looked for " + path + ")");
    out.chip_files.push_back(path);
    out.chips.push_back(load_arch_config(path, chip_overrides));
  }
}

// "devices": rows of device ids, e.g. [[0, 3, 2, 1], [4, 7, 6, 5]]: the grid and tt-metal's numbering.
void read_devices(ObjectReader& s, const std::string& file, SystemConfig& out) {
  const Json& rows = s.required_value("devices");
  const std::string at = "/system/devices";
  if (!rows.is_array() || rows.empty() || !rows[0].is_array() || rows[0].empty())
    throw input_error(file, at, "expected a non-empty list of rows of device ids, got " + describe_json(rows));
  out.rows = int(rows.size());
  out.cols = int(rows[0].size());
  if (int64_t(out.rows) * out.cols > kMaxChips)
    throw input_error(file, at, "expected at most " + std::to_string(kMaxChips) + " devices");
  const int n = out.rows * out.cols;
  // One preset for all: the grid says how many chips there are.
  if (out.chips.size() == 1 && n > 1) {
    out.chips.resize(size_t(n), out.chips[0]);
    out.chip_files.resize(size_t(n), out.chip_files[0]);
  }
  if (int(out.chips.size()) != n)
    throw input_error(file, at, "expected " + std::to_string(out.chips.size()) + " devices (one per entry of "
                                "/system/chips), got a " + std::to_string(out.cols) + "x" + std::to_string(out.rows) +
                                " grid");
  out.device_at.assign(size_t(n), -1);
  out.position_of.assign(size_t(n), GridPos{-1, -1});
  for (int r = 0; r < out.rows; ++r) {
    const Json& row = rows[size_t(r)];
    const std::string row_at = at + "/" + std::to_string(r);
    if (!row.is_array() || int(row.size()) != out.cols)
      throw input_error(file, row_at, "expected a row of " + std::to_string(out.cols) + " device ids, got " +
                                          describe_json(row));
    for (int c = 0; c < out.cols; ++c) {
      int64_t id = -1;
      if (!whole_number_in(row[size_t(c)], 0, n - 1, &id))
        throw input_error(file, row_at + "/" + std::to_string(c),
                          "expected a device id in [0, " + std::to_string(n - 1) + "], got " + describe_json(row[size_t(c)]));
      if (out.position_of[size_t(id)].x >= 0)
        throw input_error(file, row_at + "/" + std::to_string(c),
                          "expected each device id once, got " + std::to_string(id) + " twice");
      out.device_at[size_t(r * out.cols + c)] = int(id);
      out.position_of[size_t(id)] = GridPos{c, r};
    }
  }
}

void read_topology(ObjectReader& s, const std::string& file, SystemConfig& out) {
  s.required_value("routing");
  const std::string routing = s.one_of("routing", {"line", "ring", "mesh", "torus"}, "");
  out.routing = routing == "line" ? Routing::line : routing == "ring" ? Routing::ring
              : routing == "mesh" ? Routing::mesh : Routing::torus;
  if (const Json* w = s.optional_value("wrap")) {
    if (!w->is_array() || w->size() != 2 || !(*w)[0].is_boolean() || !(*w)[1].is_boolean())
      s.fail("wrap", "[x, y]: whether each axis closes into a ring (booleans)", *w);
    out.wrap_x = (*w)[0].get<bool>();
    out.wrap_y = (*w)[1].get<bool>();
  }
  const bool one_d = out.rows == 1 || out.cols == 1;
  const bool wraps = out.wrap_x || out.wrap_y;
  if ((out.routing == Routing::line || out.routing == Routing::ring) && !one_d)
    throw input_error(file, "/system/routing", "expected mesh or torus routing on a " + std::to_string(out.cols) + "x" +
                                                   std::to_string(out.rows) + " device grid, got " + routing);
  if ((out.routing == Routing::line || out.routing == Routing::mesh) && wraps)
    throw input_error(file, "/system/wrap", "expected no wrap-around axis with " + routing +
                                                " routing (use ring or torus)");
  if ((out.routing == Routing::ring || out.routing == Routing::torus) && !wraps)
    throw input_error(file, "/system/wrap", "expected at least one wrap-around axis with " + routing + " routing");
  if ((out.wrap_x && out.cols < 3) || (out.wrap_y && out.rows < 3))
    throw input_error(file, "/system/wrap", "expected a wrap-around axis of at least 3 devices");
}

EthernetParams read_ethernet(ObjectReader e) {
  EthernetParams p;
  p.gbytes_per_s = e.number_in("gbytes_per_s", 0.001, 10000, p.gbytes_per_s);
  p.latency_1d_ns = e.number_in("latency_1d_ns", 0, 1e7, p.latency_1d_ns);
  p.latency_2d_ns = e.number_in("latency_2d_ns", 0, 1e7, p.latency_2d_ns);
  p.framing_bytes = e.int_in("framing_bytes", 0, 65536, p.framing_bytes);
  p.frame_bytes = e.int_in("frame_bytes", 16, 1 << 20, p.frame_bytes);
  p.fabric_header_1d_bytes = e.int_in("fabric_header_1d_bytes", 0, 65536, p.fabric_header_1d_bytes);
  p.fabric_header_2d_bytes = e.int_in("fabric_header_2d_bytes", 0, 65536, p.fabric_header_2d_bytes);
  p.max_payload_bytes = e.int_in("max_payload_bytes", 16, 1 << 20, p.max_payload_bytes);
  p.sender_slots = e.int_in("sender_slots", 1, 1024, p.sender_slots);
  p.receiver_slots = e.int_in("receiver_slots", 1, 1024, p.receiver_slots);
  p.sender_slots_free_on_completion = e.boolean("sender_slots_free_on_completion", p.sender_slots_free_on_completion);
  e.reject_unknown_keys();
  return p;
}

CclParams read_ccl(ObjectReader c) {
  CclParams p;
  p.op_launch_ns = c.number_in("op_launch_ns", 0, 1e9, p.op_launch_ns);
  p.worker_handshake = c.boolean("worker_handshake", p.worker_handshake);
  p.step_semaphores = c.boolean("step_semaphores", p.step_semaphores);
  p.gather_local_write = c.boolean("gather_local_write", p.gather_local_write);
  p.gather_mux = c.boolean("gather_mux", p.gather_mux);
  p.reduce_mux = c.boolean("reduce_mux", p.reduce_mux);
  p.reduce_tiles_per_packet = c.int_in("reduce_tiles_per_packet", 0, 1 << 16, p.reduce_tiles_per_packet);
  p.tensors_in_dram = c.boolean("tensors_in_dram", p.tensors_in_dram);
  p.reduce_packets_per_sync_line = c.int_in("reduce_packets_per_sync_line", 1, 1 << 20, p.reduce_packets_per_sync_line);
  p.reduce_packets_per_sync_ring = c.int_in("reduce_packets_per_sync_ring", 1, 1 << 20, p.reduce_packets_per_sync_ring);
  p.gather_packets_per_sync = c.int_in("gather_packets_per_sync", 1, 1 << 20, p.gather_packets_per_sync);
  c.reject_unknown_keys();
  return p;
}

// A port written [device, x, y]: the device id and the Ethernet core's NoC position.
Port read_port(const Json& v, const std::string& file, const std::string& at, const SystemConfig& sys) {
  if (!v.is_array() || v.size() != 3)
    throw input_error(file, at, "expected [device, x, y] (an Ethernet core of a device), got " + describe_json(v));
  int64_t chip = -1, x = -1, y = -1;
  if (!whole_number_in(v[0], 0, sys.num_chips() - 1, &chip))
    throw input_error(file, at + "/0", "expected a device id in [0, " + std::to_string(sys.num_chips() - 1) +
                                           "], got " + describe_json(v[0]));
  const ArchConfig& c = sys.chips[size_t(chip)];
  if (!whole_number_in(v[1], 0, 4095, &x) || !whole_number_in(v[2], 0, 4095, &y))
    throw input_error(file, at, "expected integer core coordinates, got " + describe_json(v));
  const GridPos core{int(x), int(y)};
  const auto& eth = c.chip.ethernet_positions;
  for (size_t i = 0; i < eth.size(); ++i)
    if (eth[i] == core) return Port{int(chip), core, int(i)};
  throw input_error(file, at, "expected an Ethernet core of device " + std::to_string(chip) + " (one of " +
                                  sys.chip_files[size_t(chip)] + ": /chip/ethernet_positions, " +
                                  std::to_string(eth.size()) + " cores), got " + describe_json(v));
}

void read_links(const Json& links, const std::string& file, SystemConfig& out) {
  if (!links.is_array()) throw input_error(file, "/links", "expected a list of links, got " + describe_json(links));
  for (size_t i = 0; i < links.size(); ++i) {
    const std::string at = "/links/" + std::to_string(i);
    ObjectReader l(links[i], file, at);
    EthLink link;
    link.a = read_port(l.required_value("a"), file, at + "/a", out);
    link.b = read_port(l.required_value("b"), file, at + "/b", out);
    l.reject_unknown_keys();
    out.links.push_back(link);
  }
}

}  // namespace

const char* to_string(Routing r) {
  switch (r) {
    case Routing::line: return "line";
    case Routing::ring: return "ring";
    case Routing::mesh: return "mesh";
    case Routing::torus: return "torus";
  }
  return "?";
}

SystemConfig load_system_config(const std::string& path, const std::vector<std::string>& overrides,
                                const std::vector<std::string>& chip_overrides) {
  const Json config = effective_config_json(path, overrides);
  SystemConfig out;
  out.source_file = path;
  ObjectReader top(config, path, "", "docs/systems.md");
  top.string("description", "");
  ObjectReader s = top.object("system");
  out.name = s.string("name", fs::path(path).stem().string());
  read_chips(s, path, chip_overrides, out);
  read_devices(s, path, out);
  read_topology(s, path, out);
  s.reject_unknown_keys();
  out.ethernet = read_ethernet(top.has("ethernet") ? top.object("ethernet")
                                                   : ObjectReader(Json::object(), path, "/ethernet", "docs/systems.md"));
  out.ccl = read_ccl(top.has("ccl") ? top.object("ccl") : ObjectReader(Json::object(), path, "/ccl", "docs/systems.md"));
  read_links(top.required_value("links"), path, out);
  top.reject_unknown_keys();
  check_system_config(out);
  return out;
}

}  // namespace tessera::system
