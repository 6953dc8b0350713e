#pragma once
// Trace inputs the trace places in L1 shards (an op of a tt-metal profile run alone, reading what the op
// before it left on the cores) start in the cores' SRAM, one piece per shard, instead of in DRAM.
#include "sim/mapper/map_context.h"

namespace tessera {

// Sets the held pieces of every sharded L1 input: shard k (in the order tt-metal deals shards to the
// grid's cores) on the k-th core, the order in which op-by-op programs take the first cores and a
// partition lists its blocks (rows, then columns).
void place_l1_inputs(MapContext& ctx);

}  // namespace tessera
