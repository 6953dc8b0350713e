#pragma once
// The Plan: the contract between the mapper and the chip. For each core, three programs of commands run
// by its three engines (the reader DMA, the compute pipeline and the writer DMA), synchronised only through
// the core's buffers, plus the static facts the chip needs. The mapper never simulates; the chip never
// decides placement. `tessera run --dump-plan` prints it.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/base/grid_pos.h"
#include "sim/program/work.h"

namespace tessera {

// A buffer in one core's SRAM, counted in tiles. Producers push tiles into it and consumers wait until a
// cumulative number of tiles has arrived; capacity 0 means the buffer holds everything pushed into it.
struct BufferSpec {
  std::string name;       // e.g. "in0:backbone.stem.conv"
  int op = -1;            // op the buffer belongs to
  uint64_t capacity_tiles = 0;
  uint32_t tile_bytes = 2048;
};

// Where a waited-for level of a buffer is: wait until `tiles` tiles in total have been pushed into `buffer`.
struct BufferLevel {
  int buffer = -1;
  uint64_t tiles = 0;
};

// Reader: once the local `waits` levels are reached, fetch `bytes` from a DRAM channel and deliver them,
// over the NoC, into buffer dst_buffers[i] of core dst_cores[i] (a multicast when there are several),
// pushing `tiles` tiles into each. When `reserve` is set the reader first waits until every destination
// buffer has room (streamed operands).
struct DramReadCmd {
  int op = -1;
  int channel = 0;
  uint64_t bytes = 0;
  uint64_t tiles = 0;
  std::vector<int> dst_cores;
  std::vector<int> dst_buffers;
  std::vector<BufferLevel> waits;
  // A read shared by several cores also waits for the other destinations' own gates (their progress or
  // launch levels), as a multicast sender waits for every receiver to be ready: (core, level).
  std::vector<std::pair<int, BufferLevel>> dst_waits;
  bool reserve = false;
  // The reader issues each stream in order but the streams independently, so that a chunk of A waiting
  // for room never holds up the weights its own block needs (0: whole operands, 1: A, 2: weights).
  int stream = 0;
  // 0: the DMA engine streams the bytes from `channel`. Otherwise the bytes are a DRAM-interleaved
  // tensor read page by page as a tt-metal kernel does: one read call per page, each costing its RISC-V
  // the engine's issue time, pages on consecutive channels from `channel` on, within the NIU's credits.
  uint32_t page_bytes = 0;
  // Paged reads only: the kernel waits for every page it has asked for to land (a read barrier) after
  // each `pages_per_barrier` pages, and before its first page for every earlier read of its stream, as
  // tt-metal's tile-at-a-time readers do (0: pages stream within the credits, one barrier per command).
  uint32_t pages_per_barrier = 0;
  // Elements the reading kernel's RISC-V writes itself once the read has landed, before it hands the data
  // on (tt-metal's matmul reader zeroing the padding of a last K tile); the stream's next read waits too.
  uint32_t fill_elements = 0;
};

// One block of work on a core: wait for input levels, then the reshape engine gathers (when there is a
// gather), the unpackers read the operands, the math engine computes and the packers write `pack_bytes`;
// the stages of consecutive blocks overlap as a pipeline. Then push `out_tiles` into `out_buffer` and pop
// `pops` from the streamed buffers. The command says what to do; the engines price it.
struct ComputeCmd {
  int op = -1;
  std::vector<BufferLevel> waits;
  std::vector<BufferLevel> pops;   // tiles released from streamed buffers after this block
  ReshapeWork reshape;             // im2col gathers and layout changes
  std::vector<UnpackRead> unpack;  // operand bytes the unpackers read
  MathWork math;
  uint64_t pack_bytes = 0;         // SRAM bytes the packers write
  uint64_t macs = 0;               // multiply-accumulates this block executes (energy)
  uint64_t vector_tiles = 0;       // tiles through the vector unit (energy)
  int out_buffer = -1;
  uint64_t out_tiles = 0;
  bool launches_kernel = false;    // the first block of an op on this core: the kernel starts first
  uint64_t stream_tiles = 1;       // tile steps the stages stream through (a stage trails the one before by one)
  bool last_of_op = false;         // the op is done on this core after this block: count it in kProgressBuffer

  uint64_t unpack_bytes() const {
    uint64_t total = 0;
    for (const UnpackRead& r : unpack) total += r.bytes;
    return total;
  }
};

// Writer: once `source` has reached its level, send `bytes` over the NoC into buffer dst_buffers[i] of
// core dst_cores[i], pushing `tiles` into each; or, with `to_dram`, write them to DRAM channel `channel`
// and then push `tiles` into the destination buffers as a token that the data is there (staging).
struct SendCmd {
  int op = -1;
  BufferLevel source;
  uint64_t bytes = 0;
  uint64_t tiles = 0;
  std::vector<int> dst_cores;
  std::vector<int> dst_buffers;
  bool to_dram = false;
  int channel = 0;
  bool compressed = false;   // the packet manager compressed the payload (bytes already reduced)
  uint64_t raw_bytes = 0;    // payload before compression
  // Op by op: a send that feeds a later op's program also waits for that program's launch on this core
  // (buffer -1: no such wait).
  BufferLevel launch;
  // A DRAM write page by page (see DramReadCmd::page_bytes); 0: streamed to `channel`.
  uint32_t page_bytes = 0;
  // Paged writes only: the kernel waits for every page it has written to be acknowledged (a write barrier)
  // after each `pages_per_barrier` pages, as tt-metal's untilize writers do after each stick or tile row
  // (0: the pages stream, limited only by the calls' issue time).
  uint32_t pages_per_barrier = 0;
  // Tiles freed from the source buffer once the send has read them out of SRAM: an output streamed out
  // through a bounded buffer, whose producer waits for room (0: the data stays until nobody reads it).
  uint64_t pop_tiles = 0;
  // Tiles pushed into this core's buffer `sent.buffer` once the payload has left the core (the engine has
  // read it out and the NIU has put its last byte on the link): a reader that shares the kernel's RISC-V
  // waits on it before its next read (buffer -1: none).
  BufferLevel sent;
};

// Buffer 0 of every core counts the ops its compute pipeline has finished; readers wait on it so that an op's
// DRAM reads start while the op before it runs, not earlier.
constexpr int kProgressBuffer = 0;
// Buffer 1 of every core counts the programs the dispatcher has launched on it (op-by-op schedule): an
// op's commands wait for its launch.
constexpr int kLaunchBuffer = 1;

// One program of the op-by-op schedule: the dispatcher launches it on `cores` once the program before
// it is done, and it is done when every (core, level) of `done` is reached: the core's compute has
// finished the op and its outputs have landed where they go.
struct Launch {
  int op = -1;
  std::vector<int> cores;
  std::vector<std::pair<int, BufferLevel>> done;
};

struct CoreProgram {
  GridPos pos;                      // physical grid position
  std::vector<BufferSpec> buffers;
  std::vector<DramReadCmd> reader;
  std::vector<ComputeCmd> compute;
  std::vector<SendCmd> writer;
  uint64_t sram_peak_bytes = 0;     // largest resident set the mapper allotted on this core
};

// What the mapper decided for one op: reported per op and used to check the run.
struct OpPlan {
  std::string name;
  std::string type;
  int64_t macs = 0;                 // the graph's MACs for the op
  int64_t executed_macs = 0;        // what the cores execute (Winograd differs)
  int cores = 0;                    // cores the op runs on
  int grid_rows = 1, grid_cols = 1; // how its output tiles split
  uint64_t output_tiles = 0;
  int64_t output_elements = 0;      // elements of the output the cores computed (each exactly once)
  std::string conv_algorithm;       // convs only
  std::string note;                 // fallbacks and spills, for the report
  uint64_t spilled_bytes = 0;       // bytes sent through DRAM because SRAM was full
  uint64_t weight_bytes = 0;        // bytes read from DRAM for weights
  uint64_t sram_peak_bytes = 0;     // largest per-core resident set of this op
  Fidelity fidelity = Fidelity::hifi2;   // math fidelity it runs at: the trace's, the op-by-op rule's or the default
  DataFormat format = DataFormat::bf16;  // format it multiplies in: its own, else its output's
  std::string format_rule;          // what mapper.op_by_op_rules set on it (empty: nothing)
  std::string conv_rule;            // the conv sharding and grouped layout tt_metal_cnn gave it (empty: none)
  int source_op = -1;               // the trace op it lowers; -1 for a program op by op inserted (a halo)
};

struct Plan {
  std::vector<CoreProgram> cores;   // compute cores, row-major by logical position
  std::vector<OpPlan> ops;          // in the graph's topological order
  std::vector<Launch> launches;     // op-by-op schedule: the programs in launch order (empty: fused)
  uint64_t sram_capacity_bytes = 0;

  nlohmann::json to_json() const;
};

}  // namespace tessera
