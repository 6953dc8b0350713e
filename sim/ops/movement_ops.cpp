// tt-metal's data-movement ops (trace version 2): tilize and untilize change the layout of the bytes on the
// reshape engine; reshard, move, typecast, pad, halo, embedding and the generic data_movement read their
// input rows and write the output, moving each byte once (typecast converts the format as its packer writes
// the output); grid_sample gathers four taps per output and weighs them; cumsum runs down its axis on the
// vector unit; groupnorm makes its passes over the tiles once per group.
#include <algorithm>
#include <cmath>

#include "sim/ops/halo_gather.h"
#include "sim/ops/op_rules.h"
#include "sim/workload/op_shapes.h"

namespace tessera {
namespace {

// Input rows in the same proportion of the input as the output rows are of the output: each input byte is
// read once over all blocks, whatever the two shapes.
Region proportional(const Tensor& in, const Tensor& y, const Region& out) {
  const MatrixShape a = matrix_shape(in), b = matrix_shape(y);
  if (a.rows == 0 || b.rows == 0) return {};
  const int64_t lo = out.r0 * a.rows / b.rows;
  const int64_t hi = std::min(a.rows, (out.r1 * a.rows + b.rows - 1) / b.rows);
  return {lo, std::max(hi, lo + 1), 0, a.cols};
}

std::vector<Region> proportional_regions(const Graph& g, const Op& op, const Region& out) {
  std::vector<Region> need(op.inputs.size());
  for (size_t i = 0; i < op.inputs.size(); ++i) need[i] = proportional(g.input(op, i), g.output(op), out);
  return need;
}

// The halo's output is its input padded by the window's margins: an output row range reads the input rows
// it holds, shifted by the top padding and clipped to the image (the padding rows read nothing).
std::vector<Region> halo_regions(const Graph& g, const Op& op, const Region& out) {
  std::vector<Region> need(1);
  const auto& x = g.input(op, 0).shape;
  const auto& y = g.output(op).shape;
  // padding is [ph, pw] or [top, left, bottom, right] (or one number): its first value is the top.
  const nlohmann::json p = op.attrs.value("padding", nlohmann::json(0));
  const int64_t top = p.is_array() ? p[0].get<int64_t>() : p.get<int64_t>();
  need[0] = window_rows(out, y[2], y[3], x[2], x[3], 1, 1, top, 1, out.c0, out.c1);
  return need;
}

// An embedding reads one table row per output row (which rows depends on the indices; the count does not)
// and the indices of its rows.
std::vector<Region> embedding_regions(const Graph& g, const Op& op, const Region& out) {
  const MatrixShape table = matrix_shape(g.input(op, 1));
  return {whole(g.input(op, 0)), Region{0, std::min(out.rows(), table.rows), out.c0, out.c1}};
}

// A bilinear sample reads the input pixels around its point, which the grid decides; the block reads the
// image rows in proportion (the model's stand-in for where the points fall) and its own grid rows.
std::vector<Region> grid_sample_regions(const Graph& g, const Op& op, const Region& out) {
  const Tensor& grid = g.input(op, 1);
  return {proportional(g.input(op, 0), g.output(op), out), Region{out.r0, out.r1, 0, matrix_shape(grid).cols}.intersect(whole(grid))};
}

// tt-metal's halo program (untilize_with_halo_program_factory.cpp) runs its gather kernel twice, on both
// data-movement RISC-Vs (RISCV_0 and RISCV_1, each on its own NoC), each with half of the padding and
// gather configs: the calls of a core split between the two.
constexpr uint64_t kHaloGatherKernels = 2;
// A row-major stick in L1 starts on the L1 alignment, 16 bytes on Wormhole and Blackhole (tt-metal's HAL
// L1 alignment): the OFT profile's 3-channel stem image is stored in sticks of 8 bf16 channels.
constexpr uint64_t kL1AlignmentBytes = 16;

HaloImage halo_image(const Graph& g, const Op& op) {
  const auto& x = g.input(op, 0).shape;
  const auto& y = g.output(op).shape;
  HaloImage im;
  if (x.size() != 4 || y.size() != 4) return im;
  const HaloGeometry h = halo_geometry(op);
  im.top = h.pad_top;
  im.left = h.pad_left;
  im.height = y[2];
  im.width = y[3];
  im.rows = x[2];
  im.cols = x[3];
  return im;
}

// The halo writes its output sticks with its gather kernel's calls (halo_gather.h): one NoC write per run
// of input sticks, one NoC read per padding stick, each stick's bytes moved once (row-major: its channels,
// to the L1 alignment, not tiles). A tiled input is first untilized by the program's pack_untilize compute
// kernel (its tiles through the unpacker and packer, as the OFT profile's halos of tiled inputs show); a
// row-major one goes straight to the gather kernels (moves_only).
void halo_work(const Graph& g, const Op& op, const BlockWork& b, ComputeCmd& cmd) {
  const HaloGatherCalls calls = halo_gather_calls(halo_image(g, op), b.region.r0, b.region.r1);
  const uint64_t stick = uint64_t(std::ceil(double(b.region.cols()) * bytes_per_element(b.out_format)));
  cmd.reshape.kind = g.input(op, 0).layout == TensorLayout::tile ? ReshapeKind::untilize : ReshapeKind::flatten;
  cmd.reshape.bytes = calls.sticks * ((stick + kL1AlignmentBytes - 1) / kL1AlignmentBytes * kL1AlignmentBytes);
  cmd.reshape.reads = (calls.calls() + kHaloGatherKernels - 1) / kHaloGatherKernels;
  cmd.reshape.noc_writes = true;
}

bool halo_moves_only(const Graph& g, const Op& op) { return g.input(op, 0).layout != TensorLayout::tile; }

template <ReshapeKind Kind>
void layout_work(const Graph&, const Op&, const BlockWork& b, ComputeCmd& cmd) {
  cmd.reshape.kind = Kind;
  cmd.reshape.bytes = b.tiles * tile_bytes(b.out_format);
}

// Bilinear: four taps per output gathered by the reshape engine, each weighted and summed on the matrix
// unit (tt-metal's kernel multiplies the gathered sticks by their weights and reduces them).
constexpr uint64_t kBilinearTaps = 4;
void grid_sample_work(const Graph&, const Op& op, const BlockWork& b, ComputeCmd& cmd) {
  const bool nearest = op.attrs.value("mode", std::string("bilinear")) == "nearest";
  const uint64_t taps = nearest ? 1 : kBilinearTaps;
  cmd.reshape.kind = ReshapeKind::flatten;
  cmd.reshape.bytes = b.tiles * taps * tile_bytes(b.out_format);
  if (nearest) return;
  BlockWork weighted = b;
  weighted.tiles = b.tiles * taps;
  block_math(cmd, MathKind::eltwise, weighted, "mul");
}

// One add of the running sum per element: the vector unit's two-operand instruction count (a second load,
// one ALU op and its latency, as "max" costs) over the block's tiles. Each block reads its own input and
// carries the running sum in from the block before (one row, not modelled as a read), so the input streams
// through once as tt-metal's kernel does, whatever the axis.
void cumsum_work(const Graph&, const Op&, const BlockWork& b, ComputeCmd& cmd) { block_math(cmd, MathKind::vector, b, "max"); }

// Group norm goes over the block's tile rows once per group, each time over the tiles the group's channels
// span (core/compute_costs.cpp counts the math). Each visit unpacks 13 tiles (x and the mask, x and the
// ones, x - mean and mean, x and the mask again, x twice for the square, x and rstd, x into the output) and
// packs 5 (masked x, x - mean, masked again, x * rstd, the output); gamma and beta then unpack two tiles
// and pack one each per tile. The input's one read and the output's one write are the caller's.
void groupnorm_work(const Graph&, const Op& op, const BlockWork& b, ComputeCmd& cmd) {
  block_math(cmd, MathKind::groupnorm, b);
  const uint64_t channels = std::max<uint64_t>(b.tiles_per_row, 1) * kTileDim;
  const uint64_t groups = std::max<uint64_t>(op.attrs.value("groups", uint64_t(1)), 1);
  const uint64_t span = std::max<uint64_t>(1, (channels / groups + kTileDim - 1) / kTileDim);
  cmd.math.window = groups * span;
  const uint64_t visits = (b.tiles / std::max<uint64_t>(b.tiles_per_row, 1)) * cmd.math.window;
  const uint64_t tile = tile_bytes(b.out_format);
  cmd.unpack.push_back({(13 * visits + 4 * b.tiles - b.tiles) * tile, false});
  cmd.pack_bytes += (5 * visits + 2 * b.tiles - b.tiles) * tile;
}

}  // namespace

OpRulesTable movement_op_rules() {
  OpRules tilize, untilize, copy, halo, spread, embedding, grid_sample, cumsum, groupnorm;
  tilize.work = layout_work<ReshapeKind::tilize>;
  untilize.work = layout_work<ReshapeKind::untilize>;
  copy.work = layout_work<ReshapeKind::flatten>;
  halo.input_regions = halo_regions;
  halo.work = halo_work;
  halo.moves_only = halo_moves_only;
  spread.input_regions = proportional_regions;
  spread.work = layout_work<ReshapeKind::flatten>;
  embedding.input_regions = embedding_regions;
  embedding.work = layout_work<ReshapeKind::flatten>;
  grid_sample.input_regions = grid_sample_regions;
  grid_sample.whole_rows = true;  // a core samples whole sticks (every channel of its points)
  grid_sample.work = grid_sample_work;
  cumsum.work = cumsum_work;
  groupnorm.whole_rows = true;
  groupnorm.work = groupnorm_work;
  return {{OpType::tilize, tilize},       {OpType::untilize, untilize}, {OpType::reshard, copy},
          {OpType::move, copy},           {OpType::typecast, copy},     {OpType::halo, halo},
          {OpType::pad, spread},          {OpType::data_movement, spread}, {OpType::embedding, embedding},
          {OpType::grid_sample, grid_sample}, {OpType::cumsum, cumsum}, {OpType::groupnorm, groupnorm}};
}

}  // namespace tessera
