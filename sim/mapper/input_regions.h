#pragma once
// Which part of each input an op needs to produce one region of its output: the halo rows of a conv, the
// channel range of a concat, whole rows for a matmul's reduction. The mapper plans transfers from these;
// each op kind's rule lives with the kind in sim/ops/.
#include <vector>

#include "sim/workload/matrix_view.h"
#include "sim/ops/layout_ops.h"
#include "sim/ops/moe_ops.h"
#include "sim/workload/graph.h"

namespace tessera {

// One region per op input, in the input's own matrix view (empty when the input is not needed).
std::vector<Region> needed_input_regions(const Graph& g, const Op& op, const Region& out);

// True when the op's output columns cannot be split across cores (row-wise reductions, general reshapes).
bool needs_whole_rows(const Graph& g, const Op& op);

}  // namespace tessera
