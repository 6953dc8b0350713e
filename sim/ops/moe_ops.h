#pragma once
#include <cstddef>
#include <cstdint>

#include "sim/workload/graph.h"

namespace tessera {

// For moe_dispatch: output `e` holds rows [first, first + n_e) of the token matrix (tokens sorted by expert).
int64_t dispatch_first_row(const Op& op, size_t expert);

}  // namespace tessera
