#pragma once
// Which part of each input an op needs to produce one region of its output: the halo rows of a conv, the
// channel range of a concat, whole rows for a matmul's reduction. The mapper plans transfers from these.
#include <vector>

#include "sim/mapper/matrix_view.h"
#include "sim/workload/graph.h"

namespace tessera {

// One region per op input, in the input's own matrix view (empty when the input is not needed).
std::vector<Region> needed_input_regions(const Graph& g, const Op& op, const Region& out);

// True when the op's output columns cannot be split across cores (row-wise reductions, general reshapes).
bool needs_whole_rows(const Graph& g, const Op& op);

// True when a reshape or transpose swaps the rows and columns of a single image's matrix: [1,C,H,W] ->
// [1,C,H*W] (channels-last becomes channels-first) or a transpose of the last two axes.
bool is_matrix_transpose(const Graph& g, const Op& op);

// For moe_dispatch: output `e` holds rows [first, first + n_e) of the token matrix (tokens sorted by expert).
int64_t dispatch_first_row(const Op& op, size_t expert);

}  // namespace tessera
