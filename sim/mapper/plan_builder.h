#pragma once
// Builds the Plan's per-core programs: buffers, DRAM reads, activation transfers between cores and compute
// blocks. Transfers are collected while the ops are lowered and grouped at the end, so that identical data
// going to several cores becomes one multicast and every program runs in an order that cannot deadlock.
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "sim/config/arch_config.h"
#include "sim/workload/matrix_view.h"
#include "sim/program/plan.h"

namespace tessera {

// A piece of a tensor held in one core's output buffer, complete once the buffer reaches `level`.
struct HeldPiece {
  int core = -1;
  Region region;
  int buffer = -1;
  uint64_t level = 0;
  int step = 0;         // op index that produced it
};

class PlanBuilder {
 public:
  PlanBuilder(const ArchConfig& config, Plan& plan);

  int add_buffer(int core, const std::string& name, int op, uint64_t capacity_tiles, uint32_t tile_bytes);

  // Data from DRAM into a core's buffer. Requests with the same `key` (same tensor bytes) from several
  // cores become one multicast read issued by the first requester, once every requester's `waits` hold.
  // `need` orders reads within an op: the reader issues them by (op, need), so a streamed operand's chunk
  // never queues ahead of data an earlier block needs (0 for data every block needs).
  // `page_bytes`: the tensor's DRAM page op by op when it is not one tile (a row-major tensor's row).
  // `fill_elements`: elements the kernel writes itself once the data is there (DramReadCmd).
  void dram_read(const std::string& key, int op, int core, int buffer, uint64_t bytes, uint64_t tiles,
                 bool reserve, const std::vector<BufferLevel>& waits = {}, int64_t need = 0, int stream = 0,
                 uint32_t page_bytes = 0, uint32_t fill_elements = 0);
  // An activation piece from the core holding it into a consumer's buffer; returns tiles pushed.
  uint64_t transfer(const HeldPiece& from, const Region& piece, int op, int core, int buffer, uint64_t bytes,
                    uint64_t raw_bytes, bool compressed, const std::string& tensor);
  // A piece written to DRAM by the core holding it; `reader_core`/`token_buffer` learn when it is there.
  // `pop_tiles`: the piece leaves a bounded output buffer, freeing that many tiles once sent.
  // `pages_per_barrier`: the writing kernel waits for its writes' acknowledgements that often (SendCmd).
  void stage_to_dram(const HeldPiece& from, int op, uint64_t bytes, int reader_core, int token_buffer,
                     const std::string& tensor, uint64_t pop_tiles = 0, uint32_t page_bytes = 0,
                     uint32_t pages_per_barrier = 0);

  // A block passed from one core's buffer to the next core's, as a kernel passes data along a chain of
  // cores; `sent` (buffer -1: none) counts, on the sender, the forwards that have left it.
  void forward(int op, int src_core, BufferLevel source, uint64_t bytes, uint64_t tiles, int dst_core, int dst_buffer,
               BufferLevel sent);

  // A block multicast from one core's buffer into a buffer of each of `dst_cores` (the sender may be one of
  // them: a loopback copy), once `source` has reached its level, as a kernel multicasts a block it holds.
  void multicast(int op, int src_core, BufferLevel source, uint64_t bytes, uint64_t tiles,
                 const std::vector<int>& dst_cores, const std::vector<int>& dst_buffers);

  // Op by op: `op`'s kernels wait for their reads to land after every `pages_per_barrier` pages
  // (DramReadCmd), in pages of `page_bytes` when not 0.
  void set_kernel_reads(int op, uint32_t pages_per_barrier, uint32_t page_bytes) {
    kernel_reads_[op] = {pages_per_barrier, page_bytes};
  }

  // A compute block; op by op, the op's first block on a core also waits for the op's launch there.
  void compute(int core, const ComputeCmd& cmd);

  // Op by op: `op` runs as program number `ordinal` (1, 2, ...): its commands wait until the dispatcher
  // has launched that many programs on their core.
  void set_launch(int op, uint64_t ordinal);
  // The launch level an op's commands wait for, or buffer -1 when the op has no program of its own.
  BufferLevel launch_level(int op) const;

  // Off: reads, sends and DRAM writes are not recorded (an SRAM-fitting attempt that only measures what
  // cores hold); everything else, buffers and compute blocks included, is built as ever.
  void record_transfers(bool on) { recording_ = on; }

  // Emits the grouped reads and sends into the programs, in an order safe from deadlock.
  void finish();
  // The same into `plan`, the builder's plan after it moved (an SRAM-fitting attempt kept for later).
  void finish(Plan& plan);

 private:
  struct ReadGroup {
    int op;
    int64_t need;
    int stream;
    uint64_t bytes, tiles;
    bool reserve;
    std::vector<BufferLevel> waits;
    std::vector<int> cores, buffers;
    int order;
    uint32_t page_bytes = 0;
    uint32_t fill_elements = 0;
    std::vector<std::pair<int, BufferLevel>> dst_waits;  // the other requesters' gates
  };
  struct SendGroup {
    int64_t program;  // launch ordinal of the program the send belongs to (0: fused schedule)
    int op, producer_step, src_core;
    BufferLevel source;
    uint64_t bytes, raw_bytes, tiles;
    bool compressed, to_dram;
    std::vector<int> cores, buffers;
    int order;
    uint64_t pop_tiles = 0;
    BufferLevel sent;
    uint32_t page_bytes = 0;
    uint32_t pages_per_barrier = 0;
  };

  const ArchConfig& config_;
  Plan* plan_;
  std::map<std::string, ReadGroup> reads_;
  std::map<std::string, SendGroup> sends_;
  int order_ = 0;
  bool recording_ = true;
  std::map<int, uint64_t> launch_of_op_;
  std::map<int, std::pair<uint32_t, uint32_t>> kernel_reads_;  // op -> (pages per barrier, page bytes)
};

}  // namespace tessera
