#include "sim/report/csv_tables.h"

#include <cstdio>

#include "noc/grid.h"

namespace tessera {
namespace {

std::string num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string text(const nlohmann::json& j, const char* key) {
  return j.contains(key) ? csv_field(j[key].get<std::string>()) : std::string();
}

}  // namespace

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string layers_csv(const nlohmann::json& r) {
  std::string s =
      "op,type,macs,executed_macs,start_cycle,end_cycle,cycles,share,cores,utilization,energy_pj,weight_bytes,"
      "sram_peak_bytes,spilled_bytes,conv_algorithm,note\n";
  for (const auto& op : r["ops"]) {
    s += csv_field(op["name"].get<std::string>()) + "," + csv_field(op["type"].get<std::string>()) + "," +
         std::to_string(op["macs"].get<int64_t>()) + "," + std::to_string(op["executed_macs"].get<int64_t>()) + "," +
         std::to_string(op["start_cycle"].get<uint64_t>()) + "," + std::to_string(op["end_cycle"].get<uint64_t>()) + "," +
         std::to_string(op["cycles"].get<uint64_t>()) + "," + num(op["share"].get<double>()) + "," +
         std::to_string(op["cores"].get<int>()) + "," + num(op["utilization"].get<double>()) + "," +
         num(op.value("energy_pj", 0.0)) + "," + std::to_string(op["weight_bytes"].get<uint64_t>()) + "," +
         std::to_string(op["sram_peak_bytes"].get<uint64_t>()) + "," + std::to_string(op["spilled_bytes"].get<uint64_t>()) +
         "," + text(op, "conv_algorithm") + "," + text(op, "note") + "\n";
  }
  return s;
}

std::string cores_csv(const nlohmann::json& r, const RunDigest& d) {
  std::string s = "x,y";
  for (Engine e : kCoreEngines) s += std::string(",") + to_string(e) + "_utilization";
  s += ",math_busy_cycles,energy_pj,sram_peak_bytes\n";
  const double total = double(d.total_cycles ? d.total_cycles : 1);
  for (size_t c = 0; c < r["cores"].size(); ++c) {
    const auto& core = r["cores"][c];
    s += std::to_string(core["x"].get<int>()) + "," + std::to_string(core["y"].get<int>());
    for (size_t e = 0; e < kCoreEngines.size(); ++e) s += "," + num(double(d.engine_busy[c][e]) / total);
    s += "," + std::to_string(d.engine_busy[c][3]) + "," + num(core.value("energy_pj", 0.0)) + "," +
         std::to_string(core["sram_peak_bytes"].get<uint64_t>()) + "\n";
  }
  return s;
}

std::string links_csv(const RunDigest& d) {
  std::string s = "noc,x,y,direction,to_x,to_y,flits,busy_cycles,utilization\n";
  for (const LinkUsage& l : d.links)
    s += network_label(l.network, d.networks) + "," + std::to_string(l.x) + "," + std::to_string(l.y) + "," +
         noc::direction_name(l.direction) + "," + std::to_string(l.to_x) + "," + std::to_string(l.to_y) + "," +
         std::to_string(l.flits) + "," + std::to_string(l.busy_cycles) + "," + num(l.utilization) + "\n";
  return s;
}

}  // namespace tessera
