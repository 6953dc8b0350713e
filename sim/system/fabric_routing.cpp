#include "sim/system/fabric_routing.h"

#include <algorithm>

#include "sim/base/errors.h"

namespace tessera::system {

std::vector<int> links_between(const SystemConfig& s, int a, int b) {
  std::vector<int> out;
  for (size_t i = 0; i < s.links.size(); ++i) {
    const EthLink& l = s.links[i];
    if ((l.a.chip == a && l.b.chip == b) || (l.a.chip == b && l.b.chip == a)) out.push_back(int(i));
  }
  std::sort(out.begin(), out.end(), [&](int x, int y) { return s.links[size_t(x)].plane < s.links[size_t(y)].plane; });
  return out;
}

Hop hop_between(const SystemConfig& s, int a, int b, int plane, const std::string& where) {
  const std::vector<int> links = links_between(s, a, b);
  if (plane >= int(links.size()))
    throw InputError(where + ": expected devices " + std::to_string(a) + " and " + std::to_string(b) +
                     " to share at least " + std::to_string(plane + 1) + " links, they share " +
                     std::to_string(links.size()) + " in " + s.source_file);
  const int link = links[size_t(plane)];
  return Hop{link, s.links[size_t(link)].a.chip == a};
}

int hop_target(const SystemConfig& s, const Hop& h) {
  const EthLink& l = s.links[size_t(h.link)];
  return h.a_to_b ? l.b.chip : l.a.chip;
}

std::vector<int> snake_devices(const SystemConfig& s, int n, bool ring, const std::string& where) {
  if (n > s.num_chips())
    throw InputError(where + ": expected at most " + std::to_string(s.num_chips()) + " chips (the system " + s.name +
                     " has " + std::to_string(s.num_chips()) + "), got " + std::to_string(n));
  std::vector<int> order;
  for (int r = 0; r < s.rows; ++r)
    for (int i = 0; i < s.cols; ++i) order.push_back(s.device_at[size_t(r * s.cols + (r % 2 ? s.cols - 1 - i : i))]);
  order.resize(size_t(n));
  if (ring && links_between(s, order.back(), order.front()).empty())
    throw InputError(where + ": expected the first " + std::to_string(n) + " devices of " + s.source_file +
                     " along its rows to close into a ring, but devices " + std::to_string(order.back()) + " and " +
                     std::to_string(order.front()) + " are not linked; name the ring's devices in the trace");
  return order;
}

void check_chain(const SystemConfig& s, const std::vector<int>& chain, bool ring, int planes, const std::string& where) {
  for (size_t i = 0; i < chain.size(); ++i) {
    if (chain[i] < 0 || chain[i] >= s.num_chips())
      throw InputError(where + "/devices/" + std::to_string(i) + ": expected a device id in [0, " +
                       std::to_string(s.num_chips() - 1) + "], got " + std::to_string(chain[i]));
    for (size_t j = 0; j < i; ++j)
      if (chain[j] == chain[i])
        throw InputError(where + "/devices/" + std::to_string(i) + ": expected each device once, got " +
                         std::to_string(chain[i]) + " twice");
  }
  const size_t pairs = ring ? chain.size() : chain.size() - 1;
  for (size_t i = 0; i < pairs; ++i) hop_between(s, chain[i], chain[(i + 1) % chain.size()], planes - 1, where);
}

std::vector<Hop> dimension_order_route(const SystemConfig& s, int src, int dst, int plane, const std::string& where) {
  std::vector<Hop> hops;
  GridPos at = s.position_of[size_t(src)];
  const GridPos to = s.position_of[size_t(dst)];
  // One axis at a time; on a wrapped axis the shorter way round (ties go the positive way).
  auto walk = [&](int& coord, int target, int size, bool wrap, bool x_axis) {
    while (coord != target) {
      int forward = target - coord;
      if (wrap) {
        const int ahead = ((target - coord) % size + size) % size;
        forward = ahead <= size - ahead ? 1 : -1;
      } else {
        forward = forward > 0 ? 1 : -1;
      }
      const int next = wrap ? ((coord + forward) % size + size) % size : coord + forward;
      const GridPos here = at;
      GridPos there = at;
      (x_axis ? there.x : there.y) = next;
      const int a = s.device_at[size_t(here.y * s.cols + here.x)];
      const int b = s.device_at[size_t(there.y * s.cols + there.x)];
      hops.push_back(hop_between(s, a, b, plane, where));
      coord = next;
    }
  };
  walk(at.x, to.x, s.cols, s.wrap_x, true);
  walk(at.y, to.y, s.rows, s.wrap_y, false);
  return hops;
}

}  // namespace tessera::system
