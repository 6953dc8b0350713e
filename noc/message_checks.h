#pragma once
// What every NoC model checks on a message before it moves: its nodes are on the grid, and each
// destination is counted once. A message may name a node twice (a DRAM read that lands in two buffers of
// one core); that node still receives one copy, so a model that counted arrivals per listed destination
// would wait forever for the second one.
#include "noc/noc_model.h"

namespace tessera::noc {

// Throws std::invalid_argument when `m` has no destination or names a node outside a grid of `nodes`
// routers. Returns whether some destination is listed more than once.
bool check_message(const Message& m, int nodes);

// `m` with each destination once, in the order of first appearance.
Message with_distinct_destinations(const Message& m);

}  // namespace tessera::noc
