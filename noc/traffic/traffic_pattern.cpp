// Each pattern is one small function; the table at the bottom names them.
#include "noc/traffic/traffic_pattern.h"

namespace tessera::noc {
namespace {

int node_bits(const Grid& g) {
  int bits = 0;
  while ((1 << bits) < g.nodes()) ++bits;
  return bits;
}

// Every node, itself included, equally likely (BookSim2's uniform).
int uniform(int, const Grid& g, std::mt19937_64& rng) {
  return static_cast<int>(rng() % static_cast<uint64_t>(g.nodes()));
}

// (x, y) -> (y, x).
int transpose(int src, const Grid& g, std::mt19937_64&) { return g.node(g.y(src), g.x(src)); }

// Every address bit inverted.
int bitcomp(int src, const Grid& g, std::mt19937_64&) { return ~src & (g.nodes() - 1); }

// Address bits in reverse order.
int bitrev(int src, const Grid& g, std::mt19937_64&) {
  const int bits = node_bits(g);
  int out = 0;
  for (int b = 0; b < bits; ++b)
    if (src & (1 << b)) out |= 1 << (bits - 1 - b);
  return out;
}

// Address bits rotated left by one.
int shuffle(int src, const Grid& g, std::mt19937_64&) {
  const int bits = node_bits(g);
  return ((src << 1) | (src >> (bits - 1))) & (g.nodes() - 1);
}

// Each coordinate moves just under half way round: x + ceil(k/2) - 1 (BookSim2's tornado).
int tornado(int src, const Grid& g, std::mt19937_64&) {
  int x = (g.x(src) + (g.width + 1) / 2 - 1) % g.width;
  int y = (g.y(src) + (g.height + 1) / 2 - 1) % g.height;
  return g.node(x, y);
}

// One step along each dimension: (x + 1, y + 1).
int neighbor(int src, const Grid& g, std::mt19937_64&) {
  return g.node((g.x(src) + 1) % g.width, (g.y(src) + 1) % g.height);
}

// A fifth of the packets go to the centre node, the rest uniformly.
int hotspot(int src, const Grid& g, std::mt19937_64& rng) {
  if (rng() % 5 == 0) return g.node(g.width / 2, g.height / 2);
  return uniform(src, g, rng);
}

struct NamedPattern {
  const char* name;
  TrafficPattern pattern;
  bool needs_power_of_two;
  bool needs_square;
};

const NamedPattern kPatterns[] = {
    {"uniform", uniform, false, false},   {"transpose", transpose, false, true},
    {"bitcomp", bitcomp, true, false},    {"bitrev", bitrev, true, false},
    {"shuffle", shuffle, true, false},    {"tornado", tornado, false, false},
    {"neighbor", neighbor, false, false}, {"hotspot", hotspot, false, false},
};

}  // namespace

TrafficPattern find_traffic_pattern(const std::string& name) {
  for (const NamedPattern& p : kPatterns)
    if (name == p.name) return p.pattern;
  return nullptr;
}

bool traffic_pattern_fits(const std::string& name, const Grid& grid, std::string* why) {
  for (const NamedPattern& p : kPatterns) {
    if (name != p.name) continue;
    if (p.needs_power_of_two && (grid.nodes() & (grid.nodes() - 1)) != 0) {
      if (why) *why = "traffic " + name + " needs a power-of-two number of nodes";
      return false;
    }
    if (p.needs_square && grid.width != grid.height) {
      if (why) *why = "traffic " + name + " needs a square grid";
      return false;
    }
    return true;
  }
  if (why) *why = "unknown traffic pattern " + name;
  return false;
}

std::vector<std::string> traffic_pattern_names() {
  std::vector<std::string> names;
  for (const NamedPattern& p : kPatterns) names.push_back(p.name);
  return names;
}

}  // namespace tessera::noc
