#pragma once
// How an op's output splits over cores: a grid of row blocks x column blocks of whole tiles, one block per
// core, chosen to balance compute against the data each core must receive.
#include <functional>
#include <vector>

#include "sim/workload/matrix_view.h"

namespace tessera {

struct Partition {
  int rows = 1;                 // row blocks
  int cols = 1;                 // column blocks
  std::vector<Region> blocks;   // row-major, one per core used; empty regions are dropped
};

// Splits `out` (rows x cols elements) into at most `max_cores` blocks. `cost(rows_tiles, cols_tiles)`
// estimates one core's cycles for a block of that many tiles; the split with the lowest cost wins, ties
// going to fewer cores. `whole_rows` keeps columns together.
Partition choose_partition(MatrixShape out, int max_cores, bool whole_rows,
                           const std::function<double(int64_t, int64_t, int, int)>& cost);

// Even split of `tiles` tiles into `parts` ranges of elements (the last may be short), up to `extent`.
std::vector<std::pair<int64_t, int64_t>> split_tiles(int64_t extent, int parts);

}  // namespace tessera
