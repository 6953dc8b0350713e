#include "sim/mapper/kernel_writes.h"

#include <functional>
#include <numeric>

#include "sim/base/data_format.h"

namespace tessera {

namespace {

int64_t volume(const std::vector<int64_t>& shape) {
  return std::accumulate(shape.begin(), shape.end(), int64_t(1), std::multiplies<int64_t>());
}

// ttnn's to_layout untilizes an interleaved tiled tensor whose tile padding holds more than the logical
// shape with untilize_with_unpadding; its interleaved program's writer
// (writer_unary_stick_layout_split_rows_multicore.cpp) waits for every stick's write to land
// (noc_async_write_barrier after each noc_async_write).
bool untilizes_with_unpadding(const Graph& g, const Op& op) {
  const Tensor& x = g.input(op, 0);
  if (x.layout != TensorLayout::tile || x.device_shape.empty()) return false;
  if (x.memory && x.memory->sharded()) return false;
  return volume(x.device_shape) > volume(g.output(op).shape);
}

}  // namespace

uint32_t kernel_write_pages_per_barrier(const Graph& g, const Op& op) {
  // binary_ng's interleaved writer (writer_interleaved_no_bcast.cpp) writes a tile, waits for it to land,
  // then pops it: one tile per barrier.
  if (op_class(op.type) == OpClass::eltwise) return 1;
  if (op.type != OpType::untilize || op.inputs.empty()) return 0;
  if (untilizes_with_unpadding(g, op)) return 1;
  // The untilize program's writer (writer_unary_stick_layout_split_rows_multi_core.cpp) writes the sticks
  // of one block, a tile's height of rows, then waits once.
  return uint32_t(kTileDim);
}

}  // namespace tessera
