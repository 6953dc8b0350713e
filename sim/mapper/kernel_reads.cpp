#include "sim/mapper/kernel_reads.h"

namespace tessera {

KernelReads kernel_reads(const Op& op) {
  KernelReads r;
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
