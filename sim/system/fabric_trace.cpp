#include "sim/system/fabric_trace.h"

#include <fstream>
#include <map>
#include <sstream>
#include <tuple>

#include "sim/base/errors.h"
#include "sim/config/config_loader.h"
#include "sim/config/json_reader.h"
#include "sim/system/fabric_routing.h"

namespace tessera::system {
namespace {

constexpr int kSlotPointerBytes = 4;  // noc_inline_dw_write: one 32-bit word

int int_field(const Json& e, const char* key, const std::string& file, const std::string& at) {
  int64_t v = -1;
  if (!e.contains(key) || !whole_number_in(e[key], 0, 1 << 20, &v))
    throw input_error(file, at + "." + key, "expected a non-negative integer");
  return int(v);
}

int ethernet_channel(const ArchConfig& chip, GridPos p) {
  for (size_t i = 0; i < chip.chip.ethernet_positions.size(); ++i)
    if (chip.chip.ethernet_positions[i] == p) return int(i);
  return -1;
}

// The sending device's share of a fabric write: a WRITE into the first Ethernet core of its path.
Json local_leg(const Json& e, int device, const SystemConfig& s, const std::string& file, const std::string& at) {
  if (!e.contains("fabric_send") || !e["fabric_send"].is_object() || !e["fabric_send"].contains("path") ||
      !e["fabric_send"]["path"].is_array() || e["fabric_send"]["path"].empty())
    throw input_error(file, at + ".fabric_send.path", "expected the fabric write's path (a non-empty list of segments)");
  const Json& path = e["fabric_send"]["path"];
  int previous = -1;
  for (size_t k = 0; k < path.size(); ++k) {
    const std::string seg = at + ".fabric_send.path[" + std::to_string(k) + "]";
    const int d = int_field(path[k], "device", file, seg);
    if (d >= s.num_chips())
      throw input_error(file, seg + ".device", "expected a device of " + s.source_file + " (0 to " +
                                                   std::to_string(s.num_chips() - 1) + "), got " + std::to_string(d));
    if (k == 0 && d != device)
      throw input_error(file, seg + ".device", "expected the sending device " + std::to_string(device));
    if (k > 0 && links_between(s, previous, d).empty())
      throw input_error(file, seg + ".device", "expected a device linked to device " + std::to_string(previous) +
                                                   " in " + s.source_file + ", got " + std::to_string(d));
    previous = d;
  }
  const Json& first = path[0];
  const GridPos eth{int_field(first, "segment_end_x", file, at + ".fabric_send.path[0]"),
                    int_field(first, "segment_end_y", file, at + ".fabric_send.path[0]")};
  if (path.size() > 1 && ethernet_channel(s.chips[size_t(device)], eth) < 0)
    throw input_error(file, at + ".fabric_send.path[0]", "expected the segment to end at an Ethernet core of device " +
                                                              std::to_string(device) + ", got [" + std::to_string(eth.x) +
                                                              ", " + std::to_string(eth.y) + "]");
  Json w = e;
  w["type"] = "WRITE";
  w["dx"] = eth.x;
  w["dy"] = eth.y;
  if (first.contains("noc")) w["noc"] = first["noc"];
  // The payload only: the worker writes the packet header with a call of its own, which the trace holds
  // as the 32 B WRITE_ to the same Ethernet core that follows.
  w["num_bytes"] = e.value("num_bytes", 0);
  return w;
}

}  // namespace

FabricTrace read_fabric_trace(const std::string& path, const SystemConfig& s) {
  const Json doc = read_json_file(path);
  if (!doc.is_array()) throw input_error(path, "", "expected a JSON array of NoC events (tt-npe's noc trace format)");
  FabricTrace out;
  out.file = path;
  std::map<int, Json> per_device;
  std::map<int, DeviceTrace> stats;
  // Per issuing RISC-V (device, x, y, proc): the Ethernet core its last fabric write went to, until the
  // header write that follows it has been seen.
  std::map<std::tuple<int, int, int, std::string>, GridPos> awaiting_header;
  for (size_t i = 0; i < doc.size(); ++i) {
    const Json& e = doc[i];
    const std::string at = "[" + std::to_string(i) + "]";
    if (!e.is_object()) throw input_error(path, at, "expected an event object");
    if (!e.contains("src_device_id")) {
      if (e.contains("zone")) { ++out.markers_without_device; continue; }
      throw input_error(path, at + ".src_device_id", "missing; every event of a multi-chip trace names its device");
    }
    const int device = int_field(e, "src_device_id", path, at);
    if (device >= s.num_chips())
      throw input_error(path, at + ".src_device_id", "expected a device of " + s.source_file + " (0 to " +
                                                          std::to_string(s.num_chips() - 1) + "), got " + std::to_string(device));
    Json local = e;
    const std::string type = e.value("type", "");
    if (type.rfind("FABRIC_", 0) == 0) {
      if (type != "FABRIC_UNICAST_WRITE")
        throw input_error(path, at + ".type", "expected FABRIC_UNICAST_WRITE (the only fabric event replayed), got " + type);
      local = local_leg(e, device, s, path, at);
      awaiting_header[{device, e.value("sx", -1), e.value("sy", -1), e.value("proc", "")}] =
          GridPos{local["dx"].get<int>(), local["dy"].get<int>()};
      stats[device].fabric_writes += 1;
      stats[device].fabric_bytes += e.value("num_bytes", uint64_t(0));
    } else if (type == "WRITE_") {
      local["type"] = "WRITE";
    }
    for (const char* key : {"src_device_id", "dst_device_id", "fabric_send"}) local.erase(key);
    // After the header, the worker bumps the router's slot pointer, one 32-bit inline write that tt-metal's
    // NoC tracer does not record (tt-metal's worker-to-fabric adapter: payload, header, pointer update).
    const auto issuer = std::make_tuple(device, e.value("sx", -1), e.value("sy", -1), e.value("proc", ""));
    const auto pending = awaiting_header.find(issuer);
    const bool header = type == "WRITE_" && pending != awaiting_header.end() && local.contains("dx") &&
                        local.contains("dy") && local["dx"] == pending->second.x && local["dy"] == pending->second.y;
    per_device[device].push_back(local);
    if (header) {
      Json pointer = local;
      pointer["type"] = "WRITE_INLINE";
      pointer["num_bytes"] = kSlotPointerBytes;
      per_device[device].push_back(std::move(pointer));
      awaiting_header.erase(pending);
      stats[device].slot_pointer_writes += 1;
    }
  }
  if (per_device.empty()) throw input_error(path, "", "expected events with src_device_id (a multi-chip trace)");
  for (auto& [device, events] : per_device) {
    DeviceTrace d = stats[device];
    d.device = device;
    d.trace = noc_trace::parse_noc_trace(events.dump(), path + " (device " + std::to_string(device) + ")");
    d.trace.file = path;
    out.devices.push_back(std::move(d));
  }
  return out;
}

void check_fabric_topology(const std::string& path, const SystemConfig& s) {
  const Json doc = read_json_file(path);
  ObjectReader top(doc, path, "", "docs/systems.md");
  const Json* coords = top.optional_value("eth_chan_to_coord");
  if (coords) {
    if (!coords->is_object()) top.fail("eth_chan_to_coord", "an object of channel -> [x, y]", *coords);
    for (const auto& [channel, xy] : coords->items()) {
      const std::string at = "/eth_chan_to_coord/" + channel;
      int64_t c = -1, x = -1, y = -1;
      if (!whole_number_in(Json::parse(channel, nullptr, false), 0, 1023, &c) || !xy.is_array() || xy.size() != 2 ||
          !whole_number_in(xy[0], 0, 4095, &x) || !whole_number_in(xy[1], 0, 4095, &y))
        throw input_error(path, at, "expected a channel number and [x, y], got " + describe_json(xy));
      for (int d = 0; d < s.num_chips(); ++d) {
        const auto& eth = s.chips[size_t(d)].chip.ethernet_positions;
        if (size_t(c) >= eth.size() || !(eth[size_t(c)] == GridPos{int(x), int(y)}))
          throw input_error(path, at, "expected channel " + std::to_string(c) + " where " + s.chip_files[size_t(d)] +
                                          " puts it (chip.ethernet_positions), got " + describe_json(xy));
      }
    }
  }
  const Json& pairs = top.required_value("inter_device_channel_pairs");
  if (!pairs.is_array()) top.fail("inter_device_channel_pairs", "a list of channel pairs", pairs);
  for (size_t i = 0; i < pairs.size(); ++i) {
    const std::string at = "/inter_device_channel_pairs/" + std::to_string(i);
    const Json& p = pairs[i];
    int a = int_field(p, "local_device_id", path, at), ca = int_field(p, "local_eth_channel", path, at);
    int b = int_field(p, "remote_device_id", path, at), cb = int_field(p, "remote_eth_channel", path, at);
    bool found = false;
    for (const EthLink& l : s.links)
      found |= (l.a.chip == a && l.a.channel == ca && l.b.chip == b && l.b.channel == cb) ||
               (l.a.chip == b && l.a.channel == cb && l.b.chip == a && l.b.channel == ca);
    if (!found)
      throw input_error(path, at, "expected a link of " + s.source_file + ", but it has none from device " +
                                      std::to_string(a) + " channel " + std::to_string(ca) + " to device " +
                                      std::to_string(b) + " channel " + std::to_string(cb));
  }
  top.optional_value("forwarding_channel_pairs");  // which channels a router forwards between: not checked
  top.reject_unknown_keys();
}

}  // namespace tessera::system
