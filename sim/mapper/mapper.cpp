#include "sim/mapper/mapper.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>

#include "sim/mapper/aliasing.h"
#include "sim/mapper/conv_algorithm.h"
#include "sim/mapper/input_regions.h"
#include "sim/mapper/kernel_reads.h"
#include "sim/mapper/lowering.h"
#include "sim/mapper/op_programs.h"
#include "sim/mapper/partition.h"
#include "sim/mapper/placement.h"
#include "sim/mapper/conv_sharding.h"
#include "sim/mapper/op_by_op_rules.h"
#include "sim/mapper/sharded_inputs.h"
#include "sim/mapper/tt_metal_conv_rules.h"
#include "sim/mapper/tt_metal_inserted_ops.h"
#include "sim/workload/op_shapes.h"

namespace tessera {
namespace {

// One core's estimated cycles for a block of rt x ct output tiles: the slower of its compute and the data
// it must receive, plus a launch. Good enough to rank partitions; the chip measures the truth.
double block_cost(const MapContext& ctx, const Op& op, int64_t rt, int64_t ct, int r, int c) {
  const double link = ctx.config.noc.link_bytes_per_cycle;
  const double compute = double(rt * ct) * estimate_tile_cycles(ctx, op);
  double bytes = 0;
  const Tensor& y = ctx.graph.output(op);
  const double out_tile = tile_bytes(ctx.format_of(y));
  if (op_class(op.type) == OpClass::matrix) {
    const Tensor& a = ctx.graph.input(op, 0);
    const Tensor& b = ctx.graph.input(op, 1);
    const MatrixShape mb = matrix_shape(b);
    const double k_tiles = std::max(1.0, std::ceil(double(op.type == OpType::matmul ? a.shape.back() : mb.cols * 9) / kTileDim));
    bytes = double(rt) * k_tiles * tile_bytes(ctx.format_of(a)) + double(ct) * k_tiles * tile_bytes(ctx.format_of(b));
  } else {
    bytes = double(rt * ct) * out_tile * std::max<size_t>(op.inputs.size(), 1);
  }
  (void)r;
  (void)c;
  // A share that would not fit half the SRAM pays as if it went through DRAM twice.
  const double half_sram = 0.5 * double(ctx.config.core.sram_bytes());
  const double resident = double(rt * ct) * out_tile * 2;
  const double spill = resident > half_sram ? 2 * resident / ctx.config.dram_bytes_per_cycle() : 0;
  return std::max(compute, bytes / link) + spill + ctx.config.core.kernel_launch_cycles;
}

// Element-wise work stays where its first input already is: no tile moves for a bias, an activation or a
// residual's first operand. Returns the input's pieces as (core, region) blocks, or nothing.
std::vector<std::pair<int, Region>> follow_input(const MapContext& ctx, const Op& op) {
  const OpClass k = op_class(op.type);
  if (k != OpClass::vector && k != OpClass::eltwise) return {};
  const Tensor& x = ctx.graph.input(op, 0);
  if (x.shape != ctx.graph.output(op).shape || ctx.held[op.inputs[0]].empty()) return {};
  // One block per run of row-adjacent pieces on the same core (a producer's sub-blocks).
  std::vector<std::pair<int, Region>> blocks;
  for (const HeldPiece& p : ctx.held[op.inputs[0]]) {
    if (!blocks.empty() && blocks.back().first == p.core && blocks.back().second.r1 == p.region.r0 &&
        blocks.back().second.c0 == p.region.c0 && blocks.back().second.c1 == p.region.c1) {
      blocks.back().second.r1 = p.region.r1;
      continue;
    }
    blocks.emplace_back(p.core, p.region);
  }
  return blocks;
}

// A ReLU right after a conv, matmul or add on the same cores is applied by the producer's packer for free
// (op by op under tt_metal_cnn, a ReLU6 is not: tt_metal_fuses_activation).
bool fuses_into_producer(const MapContext& ctx, const Op& op) {
  if (op.type != OpType::relu && op.type != OpType::relu6) return false;
  if (op.cores > 0) return false;  // the trace says it ran on its own (a profiled kernel)
  // Op by op under tt_metal_cnn, only what tt-metal's demos fuse (a ReLU6 is its own program there).
  if (op_by_op_rules_apply(ctx.config.mapper, ctx.graph) && !tt_metal_fuses_activation(op.type)) return false;
  const Tensor& x = ctx.graph.input(op, 0);
  if (x.producer < 0 || x.consumers.size() != 1) return false;
  const OpClass k = op_class(ctx.graph.ops[x.producer].type);
  return k == OpClass::matrix || k == OpClass::eltwise;
}

// A reshape that keeps the 2-D layout of its input's tiles moves no data: a view, on chip as in DRAM.
bool is_view(const MapContext& ctx, int op_index) {
  const Op& op = ctx.graph.ops[op_index];
  if (op.type != OpType::reshape && op.type != OpType::flatten && op.type != OpType::squeeze &&
      op.type != OpType::unsqueeze)
    return false;
  const Tensor& x = ctx.graph.input(op, 0);
  const Tensor& y = ctx.graph.output(op);
  const MatrixShape a = matrix_shape(x), b = matrix_shape(y);
  return a.rows == b.rows && a.cols == b.cols && x.image == y.image;
}

struct ConvChoice {
  ConvAlgorithm algorithm = ConvAlgorithm::im2col;
  std::string note;
};

// The config's conv algorithm, or with `auto` the one whose estimate is lowest on the op's busiest core.
// Layers an algorithm cannot run fall back to im2col, and the note says so.
ConvChoice choose_conv_algorithm(MapContext& ctx, int op_index, const std::vector<std::pair<int, Region>>& blocks) {
  const Op& op = ctx.graph.ops[op_index];
  ConvChoice choice;
  if (op.type != OpType::conv2d) return choice;
  const ConvGeometry geometry = conv_geometry(ctx.graph, op);
  // Op by op, a conv is tt-metal's conv2d program, unless the config names an algorithm.
  if (!ctx.config.mapper.conv_algorithm && ctx.config.mapper.schedule == Schedule::op_by_op) {
    choice.algorithm = ConvAlgorithm::sliding_window;
    return choice;
  }
  if (ctx.config.mapper.conv_algorithm) {
    const ConvStrategy& wanted = conv_strategy(*ctx.config.mapper.conv_algorithm);
    choice.algorithm = wanted.id;
    if (!wanted.eligible(geometry)) {
      choice.note = std::string(wanted.name) + " not eligible (needs " + wanted.requirement + "): im2col";
      choice.algorithm = ConvAlgorithm::im2col;
    } else if (wanted.id != ConvAlgorithm::im2col) {
      for (const auto& [core, out] : blocks)
        if (!lower_matrix(ctx, op_index, core, out, choice.algorithm, /*emit=*/false).fits) {
          choice.note = std::string(wanted.name) + " does not fit SRAM: im2col";
          choice.algorithm = ConvAlgorithm::im2col;
          break;
        }
    }
    return choice;
  }
  // The busiest core decides the op's time: compare the algorithms there.
  const auto& busiest = *std::max_element(blocks.begin(), blocks.end(), [](const auto& x, const auto& y) {
    return x.second.elements() < y.second.elements();
  });
  // Each distinct column range reads its weights from DRAM once (the cores sharing it get a multicast);
  // all of them compete for the chip's DRAM bandwidth.
  std::set<std::pair<int64_t, int64_t>> column_ranges;
  for (const auto& block : blocks) column_ranges.insert({block.second.c0, block.second.c1});
  const double dram_bytes_per_cycle = ctx.config.dram_bytes_per_cycle() * double(ctx.config.dram.positions.size());
  double best = -1;
  // On a tie the first registered wins (direct: it needs no gather, so nothing rides on the reshape engine).
  for (const ConvStrategy& strategy : conv_strategies()) {
    if (!strategy.eligible(geometry)) continue;
    const ConvAlgorithm a = strategy.id;
    const CoreShare estimate = lower_matrix(ctx, op_index, busiest.first, busiest.second, a, /*emit=*/false);
    const double cycles = estimate.estimated_cycles +
                          double(estimate.weight_bytes) * double(column_ranges.size()) / dram_bytes_per_cycle;
    if (!estimate.fits && a != ConvAlgorithm::im2col) continue;
    if (best < 0 || cycles < best) {
      best = cycles;
      choice.algorithm = a;
    }
  }
  return choice;
}

// An inserted halo writes on each core the rows its conv reads there, in the conv's own split (the window's
// edge rows repeat on the neighbouring cores; a block-sharded conv's halo keeps each core's channel slice),
// so the conv finds its halo'd shard on its own core. Empty when the conv's program gives no split.
ShardedSplit halo_split(const MapContext& ctx, int halo_index) {
  const Graph& g = ctx.graph;
  const Tensor& h = g.output(g.ops[size_t(halo_index)]);
  // The conv reads the halo's output, or the move of it (its regions are the same rows).
  const int reader = h.consumers.front();
  const int conv_index = is_inserted_halo_move(g, reader) ? g.output(g.ops[size_t(reader)]).consumers.front() : reader;
  const Op& conv = g.ops[size_t(conv_index)];
  const int count = conv.cores > 0 ? std::min(conv.cores, ctx.core_count) : ctx.core_count;
  const ShardedSplit by_conv = sharded_split(matrix_shape(g.output(conv)), conv.program, count,
                                             ctx.config.chip.compute_width, ctx.config.chip.compute_height);
  ShardedSplit split;
  if (by_conv.blocks.empty()) return split;
  split.rows = by_conv.rows;
  split.cols = by_conv.cols;
  const auto channels = split_tiles(matrix_shape(h).cols, by_conv.cols);
  for (size_t b = 0; b < by_conv.blocks.size(); ++b) {
    const auto& [core, out] = by_conv.blocks[b];
    const Region rows = needed_input_regions(g, conv, out)[0];
    const auto& c = channels[std::min(b % size_t(by_conv.cols), channels.size() - 1)];
    split.blocks.push_back({core, {rows.r0, rows.r1, c.first, c.second}});
  }
  return split;
}

// A profiled halo (its conv not in the trace) runs on its output's shard grid, as tt-metal's halo program
// takes its cores from the output's shard spec. Each core writes the padded rows its share of the conv's
// output reads: its even share of the padded image and, past its end, the window's reach, (kh - 1)
// dilated rows and (kw - 1) dilated pixels (the edge rows repeat on the next core, as tt-metal's per-core
// halo shards of max_out_nsticks_per_core sticks do: the OFT profile's 3x3 halo of a 96x320 image writes
// 43,840 sticks on 20 cores for 31,556 padded pixels). Empty when the output has no L1 shards.
ShardedSplit profiled_halo_split(const MapContext& ctx, int halo_index) {
  const Graph& g = ctx.graph;
  const Op& op = g.ops[size_t(halo_index)];
  const Tensor& y = g.output(op);
  ShardedSplit split = sharded_split(y, ctx.config.chip.compute_width, ctx.config.chip.compute_height);
  if (split.blocks.empty() || y.shape.size() != 4) return split;
  const HaloGeometry h = halo_geometry(op);
  const int64_t reach = std::max<int64_t>(0, (h.kh - 1) * h.dh * y.shape[3] + (h.kw - 1) * h.dw);
  const int64_t rows = matrix_shape(y).rows;
  for (auto& [core, region] : split.blocks) region.r1 = std::min(rows, region.r1 + reach);
  return split;
}

OpPlan describe(const Graph& g, const Op& op) {
  OpPlan p;
  p.name = op.name;
  p.type = to_string(op.type);
  p.macs = op_macs(g, op);
  return p;
}

// Graph outputs end in DRAM: each piece is written out by the core holding it.
void write_outputs(MapContext& ctx, int op_index) {
  const Op& op = ctx.graph.ops[op_index];
  for (int t : op.outputs) {
    const Tensor& tensor = ctx.graph.tensors[t];
    if (!tensor.consumers.empty()) continue;
    for (const HeldPiece& piece : ctx.held[t]) {
      const uint64_t bytes = region_bytes(piece.region, ctx.format_of(tensor));
      ctx.builder.stage_to_dram(piece, op_index, bytes, -1, -1, tensor.name);
    }
  }
}

}  // namespace

MappingAttempt map_once(const ArchConfig& config, const Graph& source, const SramDecisions& decisions,
                        Transfers transfers) {
  // Op by op under tt_metal_cnn, the convs as ttnn runs them (same ops, same order; the MACs stay the
  // source's).
  // Then the programs ttnn's conv2d runs besides the conv (a halo before each sliding-window conv).
  std::optional<LoweredGraph> lowered;
  if (op_by_op_rules_apply(config.mapper, source))
    lowered = insert_tt_metal_programs(apply_tt_metal_conv_rules(config, source),
                                       ComputeGrid{config.chip.compute_width, config.chip.compute_height});
  const Graph& graph = lowered ? lowered->graph : source;
  MappingAttempt attempt;
  Plan& plan = attempt.plan;
  plan.sram_capacity_bytes = config.core.sram_bytes();
  for (const GridPos& p : config.compute_cores()) {
    plan.cores.push_back(CoreProgram{p, {}, {}, {}, {}, 0});
    plan.cores.back().buffers.push_back({"progress", -1, 0, 0});
    plan.cores.back().buffers.push_back({"launch", -1, 0, 0});
  }
  MapContext ctx(config, graph, plan, decisions);
  ctx.builder.record_transfers(transfers != Transfers::drop);
  const bool op_by_op = config.mapper.schedule == Schedule::op_by_op;
  OpPrograms programs(ctx);
  int next_core = 0;  // small ops start where the last one ended, so independent ones can overlap
  const std::vector<CoreGroup> groups = place_ops(ctx);
  if (op_by_op) hold_sharded_inputs(ctx);

  for (int i = 0; i < int(graph.ops.size()); ++i) {
    const Op& op = graph.ops[i];
    // The plan names the source's op (its MACs stay the source's); an inserted op names itself.
    const int source_index = lowered ? lowered->source_op[size_t(i)] : i;
    OpPlan op_plan = source_index >= 0 ? describe(source, source.ops[size_t(source_index)]) : describe(graph, op);
    op_plan.source_op = source_index;
    op_plan.fidelity = ctx.fidelity_of(op);
    op_plan.format = ctx.math_format(op);
    op_plan.format_rule = ctx.formats.op_rule[size_t(i)];
    op_plan.conv_rule = tt_metal_conv_rule_note(op);
    const Tensor& y = graph.output(op);
    if (y.elements() == 0) {
      op_plan.note = "skipped: empty output (conditional execution)";
      plan.ops.push_back(op_plan);
      continue;
    }
    const int producer = graph.input(op, 0).producer;
    // An activation the producing conv's kernel applied (tt_metal_cnn): its output is the conv's, in L1 or
    // in DRAM, and it runs no program.
    if (producer >= 0 && !fused_conv_activation(config.mapper, graph, producer).empty()) {
      ctx.held[op.outputs[0]] = ctx.held[op.inputs[0]];
      op_plan.note = "fused into the producing conv's kernel";
      plan.ops.push_back(op_plan);
      if (op_by_op && programs.open() && producer == programs.op()) programs.join(i);
      else if (!ctx.held[op.outputs[0]].empty()) write_outputs(ctx, i);
      continue;
    }
    if (fuses_into_producer(ctx, op) && !ctx.held[op.inputs[0]].empty() &&
        (!op_by_op || (programs.open() && producer == programs.op()))) {
      // The producer's packer applies it on the way to SRAM: the output is the producer's output.
      ctx.held[op.outputs[0]] = ctx.held[op.inputs[0]];
      op_plan.note = "fused into the producer's pack";
      plan.ops.push_back(op_plan);
      if (op_by_op) programs.join(i);
      else write_outputs(ctx, i);
      continue;
    }
    // Op by op, the open program's outputs are in place (DRAM or L1) before anything reads them.
    if (op_by_op) programs.close();
    if ((!op_by_op || is_view(ctx, i)) && alias_outputs(ctx, i)) {
      op_plan.note = "no data moves: consumers read the inputs where they are";
      plan.ops.push_back(op_plan);
      if (!op_by_op) write_outputs(ctx, i);
      continue;
    }
    if (op_by_op && is_view(ctx, i) && ctx.held[op.inputs[0]].empty()) {
      op_plan.note = "a view of its input in DRAM: no program";
      plan.ops.push_back(op_plan);
      continue;
    }
    if (op_by_op) programs.begin(i);
    // What each core of the op lowered to: its output pieces, work and SRAM, for the op plan and the
    // tensors' holders.
    std::vector<int> op_cores;
    auto account = [&](int core, const CoreShare& share) {
      for (const auto& [region, level] : share.pieces) {
        op_plan.output_elements += region.elements();
        ctx.held[op.outputs[0]].push_back({core, region, share.out_buffer, level, i});
        // Further outputs (top-k indices) have the same shape and live beside the first.
        for (size_t k = 1; k < op.outputs.size(); ++k)
          ctx.held[op.outputs[k]].push_back({core, whole(graph.tensors[op.outputs[k]]).intersect(region),
                                             share.out_buffer, level, i});
      }
      op_plan.executed_macs += share.macs;
      op_plan.output_tiles += share.out_tiles;
      op_plan.weight_bytes += share.weight_bytes;
      if (!share.conv_algorithm.empty()) op_plan.conv_algorithm = share.conv_algorithm;
      if (!share.note.empty()) op_plan.note = share.note;
      ctx.hold_sram(core, i, i, share.own_bytes);
      if (op_by_op) programs.add_core(core);
      if (share.whole_output) programs.keep_whole(core, share.out_buffer);
      if (share.written_token >= 0) programs.use_written_token(core, share.written_token);
      if (!plan.cores[core].compute.empty() && plan.cores[core].compute.back().op == i)
        plan.cores[core].compute.back().last_of_op = true;
      ctx.count_share(core, i);
      op_cores.push_back(core);
    };
    // Op by op, each kernel reads DRAM as tt-metal's does (kernel_reads).
    if (op_by_op) {
      const KernelReads reads =
          kernel_reads(graph, op, op.inputs.empty() ? DataFormat::bf16 : ctx.format_of(graph.input(op, 0)));
      ctx.builder.set_kernel_reads(i, reads.pages_per_barrier, reads.page_bytes);
    }
    if (runs_as_chained_matmul(ctx, op)) {
      op_plan.note = "minimal program config: blocks passed core to core along the grid's rows and columns";
      const auto shares = lower_chained_matmul(ctx, i);
      op_plan.grid_cols = std::clamp(op.program.grid_x > 0 ? op.program.grid_x : config.chip.compute_width, 1,
                                     config.chip.compute_width);
      op_plan.grid_rows = int(shares.size()) / op_plan.grid_cols;
      op_plan.cores = int(shares.size());
      for (const auto& [core, share] : shares) account(core, share);
    } else if (runs_as_block_sharded_conv(ctx, op)) {
      op_plan.note = "block sharded: activation blocks multicast along the pixel-row groups, weights down the channel groups";
      const auto shares = lower_block_sharded_conv(ctx, i, op_plan.grid_rows, op_plan.grid_cols);
      op_plan.cores = int(shares.size());
      for (const auto& [core, share] : shares) account(core, share);
    } else if (runs_as_mcast_matmul(ctx, op)) {
      op_plan.note = "1-D multicast program: in0 multicast to the cores, which split the columns";
      const auto shares = lower_mcast_matmul(ctx, i);
      op_plan.grid_cols = op_plan.cores = int(shares.size());
      op_plan.grid_rows = 1;
      for (const auto& [core, share] : shares) account(core, share);
    } else {
      std::vector<std::pair<int, Region>> blocks = follow_input(ctx, op);
      if (blocks.empty()) {
        CoreGroup group = groups[i];
        if (op_by_op) {
          // A program runs on the first cores of the grid: the trace's core count, else the whole grid.
          group.first = 0;
          group.count = op.cores > 0 ? std::min(op.cores, ctx.core_count) : ctx.core_count;
          next_core = 0;
        }
        // Op by op, a conv whose trace or rule names its shard layout is split as its shards are.
        // An output the trace names as L1 shards is split as those shards lie, where the next op reads them.
        ShardedSplit sharded;
        if (op_by_op && (is_inserted_halo(graph, i) || is_inserted_halo_move(graph, i))) {
          sharded = halo_split(ctx, is_inserted_halo(graph, i) ? i : graph.input(op, 0).producer);
          if (!sharded.blocks.empty()) ctx.overlapping_pieces.insert(op.outputs[0]);
        }
        if (op_by_op && op.type == OpType::halo && sharded.blocks.empty()) {
          sharded = profiled_halo_split(ctx, i);
          if (!sharded.blocks.empty()) ctx.overlapping_pieces.insert(op.outputs[0]);
        }
        // So is a copy the rule inserted to a conv's input shards (tt_metal_inserted_ops).
        if (op_by_op && (op.type == OpType::conv2d || is_inserted_shard_copy(graph, i))) {
          sharded = sharded_split(y, config.chip.compute_width, config.chip.compute_height);
          if (sharded.blocks.empty())
            sharded = sharded_split(matrix_shape(y), op.program, group.count, config.chip.compute_width,
                                    config.chip.compute_height);
        }
        if (!sharded.blocks.empty()) {
          op_plan.grid_rows = sharded.rows;
          op_plan.grid_cols = sharded.cols;
          blocks = sharded.blocks;
        } else {
          const Partition part = choose_partition(
              matrix_shape(y), group.count, needs_whole_rows(ctx.graph, op),
              [&](int64_t rt, int64_t ct, int r, int c) { return block_cost(ctx, op, rt, ct, r, c); });
          op_plan.grid_rows = part.rows;
          op_plan.grid_cols = part.cols;
          const int used = int(part.blocks.size());
          if (used >= group.count) next_core = 0;
          for (int b = 0; b < used; ++b) blocks.emplace_back(group.first + (next_core + b) % group.count, part.blocks[b]);
          if (used < group.count) next_core = (next_core + used) % group.count;
        }
      } else {
        op_plan.note = "placed where its input is";
      }
      op_plan.cores = int(blocks.size());
      const ConvChoice conv = op_class(op.type) == OpClass::matrix ? choose_conv_algorithm(ctx, i, blocks)
                                                                    : ConvChoice{};
      if (!conv.note.empty()) op_plan.note = conv.note;
      for (const auto& [core, out] : blocks)
        account(core, op_class(op.type) == OpClass::matrix ? lower_matrix(ctx, i, core, out, conv.algorithm)
                                                           : lower_other(ctx, i, core, out));
    }
    for (int core : op_cores) op_plan.sram_peak_bytes = std::max(op_plan.sram_peak_bytes, ctx.resident[core][i]);
    op_plan.spilled_bytes = ctx.spilled_bytes[i];
    if (op_plan.spilled_bytes)
      op_plan.note += std::string(op_plan.note.empty() ? "" : "; ") +
                      (decisions.streamed_ops.count(i) ? "inputs streamed from DRAM (SRAM full)" : "inputs staged through DRAM (SRAM full)");
    plan.ops.push_back(op_plan);
    if (!op_by_op) write_outputs(ctx, i);
  }
  programs.close();
  if (transfers == Transfers::emit) ctx.builder.finish();
  else if (transfers == Transfers::keep) attempt.pending = std::make_unique<PlanBuilder>(std::move(ctx.builder));

  for (size_t c = 0; c < plan.cores.size(); ++c)
    plan.cores[c].sram_peak_bytes = *std::max_element(ctx.resident[c].begin(), ctx.resident[c].end());
  attempt.holdings = std::move(ctx.holdings);
  attempt.resident = std::move(ctx.resident);
  return attempt;
}

}  // namespace tessera
