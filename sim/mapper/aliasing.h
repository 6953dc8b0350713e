#pragma once
// Ops that only rename data: a concat of channels, a reshape that keeps the matrix, a column slice, an MoE
// dispatch. Their outputs are the inputs' pieces seen through an offset, so no tile moves until a consumer
// reads them from where they are.
#include "sim/mapper/map_context.h"

namespace tessera {

// Sets the held pieces of the op's outputs and returns true when the op is such a renaming.
bool alias_outputs(MapContext& ctx, int op_index);

}  // namespace tessera
