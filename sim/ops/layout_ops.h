#pragma once
#include "sim/ops/op_rules.h"

namespace tessera {

// True when a reshape or transpose swaps the rows and columns of a single image's matrix: [1,C,H,W] ->
// [1,C,H*W] (channels-last becomes channels-first) or a transpose of the last two axes.
bool is_matrix_transpose(const Graph& g, const Op& op);

}  // namespace tessera
