#include "sim/system/system_checks.h"

#include <map>
#include <set>

#include "sim/base/errors.h"

namespace tessera::system {
namespace {

std::string port_text(const Port& p) {
  return "device " + std::to_string(p.chip) + " core [" + std::to_string(p.core.x) + ", " + std::to_string(p.core.y) + "]";
}

int step(int from, int to, int size, bool wrap) {
  if (to == from + 1 || (wrap && from == size - 1 && to == 0)) return +1;
  if (to == from - 1 || (wrap && from == 0 && to == size - 1)) return -1;
  return 0;
}

}  // namespace

int direction_between(const SystemConfig& s, int a, int b) {
  const GridPos pa = s.position_of[size_t(a)], pb = s.position_of[size_t(b)];
  if (pa.y == pb.y && pa.x != pb.x) {
    const int d = step(pa.x, pb.x, s.cols, s.wrap_x);
    if (d) return d > 0 ? 0 : 1;
  }
  if (pa.x == pb.x && pa.y != pb.y) {
    const int d = step(pa.y, pb.y, s.rows, s.wrap_y);
    if (d) return d > 0 ? 2 : 3;
  }
  return -1;
}

void check_system_config(SystemConfig& s) {
  const std::string& file = s.source_file;
  for (int i = 1; i < s.num_chips(); ++i)
    if (s.chips[size_t(i)].chip.clock_ghz != s.chips[0].chip.clock_ghz)
      throw input_error(file, "/system/chips/" + std::to_string(i),
                        "expected every chip at the clock of device 0 (" + std::to_string(s.chips[0].chip.clock_ghz) +
                            " GHz): the system runs on one clock");
  std::map<std::pair<int, int>, size_t> used;  // (chip, channel) -> link index
  std::map<std::pair<int, int>, int> per_pair;
  for (size_t i = 0; i < s.links.size(); ++i) {
    EthLink& l = s.links[i];
    const std::string at = "/links/" + std::to_string(i);
    if (l.a.chip == l.b.chip)
      throw input_error(file, at + "/b", "expected a port on another device than /a (device " + std::to_string(l.a.chip) + ")");
    for (const auto& [end, port] : {std::pair<const char*, const Port*>{"a", &l.a}, {"b", &l.b}}) {
      auto [it, fresh] = used.emplace(std::pair{port->chip, port->channel}, i);
      if (!fresh)
        throw input_error(file, at + "/" + end, "expected a port no other link uses, got " + port_text(*port) +
                                                    ", already used by /links/" + std::to_string(it->second));
    }
    if (direction_between(s, l.a.chip, l.b.chip) < 0)
      throw input_error(file, at, "expected a link between neighbouring devices of /system/devices (wrap-around "
                                  "neighbours count on a wrapped axis), got devices " + std::to_string(l.a.chip) +
                                  " and " + std::to_string(l.b.chip));
    const std::pair<int, int> pair{std::min(l.a.chip, l.b.chip), std::max(l.a.chip, l.b.chip)};
    l.plane = per_pair[pair]++;
  }
  // Dimension-order routing needs every neighbouring pair of the grid connected, wrap-around pairs included.
  for (int r = 0; r < s.rows; ++r)
    for (int c = 0; c < s.cols; ++c) {
      const int a = s.device_at[size_t(r * s.cols + c)];
      const bool has_east = c + 1 < s.cols || (s.wrap_x && s.cols > 2);
      const bool has_south = r + 1 < s.rows || (s.wrap_y && s.rows > 2);
      for (const auto& [has, b] : {std::pair{has_east, s.device_at[size_t(r * s.cols + (c + 1) % s.cols)]},
                                   std::pair{has_south, s.device_at[size_t(((r + 1) % s.rows) * s.cols + c)]}}) {
        if (!has || a == b) continue;
        if (!per_pair.count({std::min(a, b), std::max(a, b)}))
          throw input_error(file, "/links", "expected at least one link between neighbouring devices " +
                                                std::to_string(a) + " and " + std::to_string(b) +
                                                " (dimension-order routing crosses every edge of the grid)");
      }
    }
}

}  // namespace tessera::system
