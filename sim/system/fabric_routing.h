#pragma once
// TT-Fabric's routes between chips: which link (and which way along it) each hop takes. Routing planes:
// link k of a chip pair carries plane k, and a route stays on its plane. 1-D collectives route along
// their chain of chips (line, or ring through its closing link); 2-D routes go dimension order, X then
// Y, the shorter way round on a wrapped axis.
#include <string>
#include <vector>

#include "sim/system/system_config.h"

namespace tessera::system {

// One hop: a link, crossed from its `a` end to its `b` end or back.
struct Hop {
  int link = 0;
  bool a_to_b = true;
};

// Links between devices a and b, in plane order.
std::vector<int> links_between(const SystemConfig& s, int a, int b);

// The hop from device a to neighbouring device b on `plane`; InputError (naming `where`) when the pair
// has no link on that plane.
Hop hop_between(const SystemConfig& s, int a, int b, int plane, const std::string& where);

// The first `n` devices along the grid's snake (row 0 left to right, row 1 right to left, ...): the
// chips a 1-D collective runs on by default, as tt-metal runs one on a sub-mesh's first axis. A ring
// also needs its last and first device joined; InputError naming `where` otherwise.
std::vector<int> snake_devices(const SystemConfig& s, int n, bool ring, const std::string& where);

// Checks that consecutive devices of `chain` (and the last and first when `ring`) are linked with at
// least `planes` links; InputError naming `where` otherwise.
void check_chain(const SystemConfig& s, const std::vector<int>& chain, bool ring, int planes, const std::string& where);

// Dimension-order route (X, then Y) from device `src` to `dst` on `plane`.
std::vector<Hop> dimension_order_route(const SystemConfig& s, int src, int dst, int plane, const std::string& where);

// The device at the far end of `h`.
int hop_target(const SystemConfig& s, const Hop& h);

}  // namespace tessera::system
