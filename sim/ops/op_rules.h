#pragma once
// What the mapper needs to know about each op kind, kept in one file per family of kinds (conv_ops.cpp,
// matmul_op.cpp, pool_ops.cpp, elementwise_ops.cpp, norm_ops.cpp, layout_ops.cpp, moe_ops.cpp,
// movement_ops.cpp): which part
// of each input one region of the output reads, whether the output's columns may be split across cores,
// and the engine work a block of output tiles asks for. A new op kind is one entry in its family's file.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sim/base/data_format.h"
#include "sim/workload/matrix_view.h"
#include "sim/program/plan.h"
#include "sim/workload/graph.h"

namespace tessera {

// What a block's work depends on besides the op: its output tiles and how the mapper formats them.
struct BlockWork {
  Fidelity fidelity = Fidelity::hifi2;
  DataFormat out_format = DataFormat::bf16;
  uint64_t tiles = 0;          // output tiles of the block
  uint64_t tiles_per_row = 1;  // output tiles across a row (row-wise reductions)
  int64_t rows = 0;            // output rows of the block
  Region region;               // the block's output region
};

struct OpRules {
  // One region per input, in the input's matrix view (empty when not needed). Null: each input is read
  // where it lines up with the output (same shape), or whole (a per-channel vector: its columns).
  std::vector<Region> (*input_regions)(const Graph& g, const Op& op, const Region& out) = nullptr;
  // The op reduces or reorders along its rows: a core needs whole output rows.
  bool whole_rows = false;
  // Each output row sums its own run of input rows (a global pool over an image): blocks may take a few
  // output rows at a time and accumulate into the output tile, so the input streams image by image.
  bool accumulates_rows = false;
  // Fills the block's reshape and math work (unpack, pack and buffers are the lowering's). Null for the
  // matrix ops, which lower_matrix turns into blocked tile matmuls.
  void (*work)(const Graph& g, const Op& op, const BlockWork& block, ComputeCmd& cmd) = nullptr;
  // The op runs on the data-movement cores alone, without a compute kernel (a halo of a row-major input):
  // its bytes pass neither the unpacker nor the packer. Null: always through them.
  bool (*moves_only)(const Graph& g, const Op& op) = nullptr;
};

using OpRulesTable = std::vector<std::pair<OpType, OpRules>>;

const OpRules& op_rules(OpType type);

// Each family's entries.
OpRulesTable conv_op_rules();
OpRulesTable matmul_op_rules();
OpRulesTable pool_op_rules();
OpRulesTable elementwise_op_rules();
OpRulesTable norm_op_rules();
OpRulesTable layout_op_rules();
OpRulesTable moe_op_rules();
OpRulesTable movement_op_rules();

// Shared by the families: input rows an output row range of a sliding-window op reads (output rows are
// (n, y, x) pixels; the window of output row y covers input rows y*s - pad ... y*s - pad + (k-1)*d,
// clipped to the image), and the default region rule.
Region window_rows(const Region& out, int64_t ho, int64_t wo, int64_t h, int64_t w, int64_t k, int64_t s,
                   int64_t pad, int64_t d, int64_t c0, int64_t c1);
Region same_or_whole(const Tensor& in, const Tensor& out_tensor, const Region& out);
// Math work of kind `kind` (with `function` for eltwise and vector functions) over the block's tiles.
inline void block_math(ComputeCmd& cmd, MathKind kind, const BlockWork& b, std::string function = {}) {
  cmd.math.kind = kind;
  cmd.math.function = std::move(function);
  cmd.math.fidelity = b.fidelity;
  cmd.math.tiles = b.tiles;
  cmd.math.tiles_per_row = b.tiles_per_row;
}

// A bias or scale vector of a matrix op: the output's columns.
inline Region bias_columns(const Region& out) { return {0, 1, out.c0, out.c1}; }

}  // namespace tessera
