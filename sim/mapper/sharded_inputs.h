#pragma once
// Trace inputs that a tt-metal profile records in L1 shards (an op cut out of a profile, its inputs left
// where the op before it put them) start in those shards, not in DRAM.
#include "sim/mapper/map_context.h"

namespace tessera {

// Gives each L1-sharded trace input one held piece per shard, on the core that runs that shard: shard i
// on the core tt-metal places it on (shard_layout.h).
// The pieces are there from the start (level 0) and take SRAM until their last reader is done.
void hold_sharded_inputs(MapContext& ctx);

}  // namespace tessera
