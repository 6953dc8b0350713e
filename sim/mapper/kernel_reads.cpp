#include "sim/mapper/kernel_reads.h"

#include <algorithm>
#include <cmath>

namespace tessera {

namespace {

// tt-metal's blocked generic permute (reader_permute_interleaved_rm_blocked_generic), for a row-major
// tensor whose last dimension moves: a block is up to 32 indices of the dimension that becomes the
// output's last (X) by up to 32 elements of the input's last (W); the reader asks for the block's X row
// pieces, then waits once.
bool blocked_generic_permute(const Graph& g, const Op& op, DataFormat in_format, KernelReads& r) {
  if (op.type != OpType::transpose || op.inputs.empty() || !op.attrs.contains("perm")) return false;
  const Tensor& x = g.input(op, 0);
  const auto& perm = op.attrs["perm"];
  const int64_t n = int64_t(x.shape.size());
  if (x.layout != TensorLayout::row_major || int64_t(perm.size()) != n || n < 2) return false;
  const int64_t x_dim = perm[size_t(n - 1)].get<int64_t>();
  if (x_dim < 0 || x_dim >= n - 1) return false;  // the last dimension stays: a row-invariant permute
  constexpr int64_t kBlock = 32;                  // x_block_size and w_block_size of the program factory
  r.pages_per_barrier = uint32_t(std::min(kBlock, x.shape[size_t(x_dim)]));
  r.page_bytes = uint32_t(std::ceil(double(std::min(kBlock, x.shape.back())) * bytes_per_element(in_format)));
  return true;
}

}  // namespace

KernelReads kernel_reads(const Graph& g, const Op& op, DataFormat in_format) {
  KernelReads r;
  if (blocked_generic_permute(g, op, in_format, r)) return r;
  // The multicast matmul's readers ask for a block, wait for it, then read the next.
  if (op.type == OpType::matmul && op.program.kind == "1d_mcast_in0") {
    r.pages_per_barrier = kBarrierPerRead;
    return r;
  }
  // Matmul and conv programs with block configs wait once per block they read.
  if (op_class(op.type) == OpClass::matrix && op.program.kind != "default") return r;
  // Normalisation readers wait per block of blk tiles, bounded by the 4 destination registers of fp32
  // accumulation; element-wise, data-movement and the default matmul's readers read a tile, wait, and
  // read the next.
  r.pages_per_barrier = op_class(op.type) == OpClass::norm ? 4 : 1;
  return r;
}

}  // namespace tessera
