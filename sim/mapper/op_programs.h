#pragma once
// The op-by-op schedule's programs, as the mapper builds them: each op (with the element-wise op fused
// into it, if any) is one program launched by the dispatcher after the one before has finished on every
// core. A program's outputs go where their memory config says: back to DRAM (interleaved over the
// channels) unless the tensor stays in L1 for its consumers. The Plan gets one Launch per program.
#include <map>
#include <set>
#include <vector>

#include "sim/mapper/map_context.h"

namespace tessera {

class OpPrograms {
 public:
  explicit OpPrograms(MapContext& ctx) : ctx_(ctx) {}

  // Opens program number n+1 for op `op_index` (closing the open one): its commands wait for its launch.
  void begin(int op_index);
  // An op fused into the open program (a ReLU in the producer's pack): its outputs leave with the program's.
  void join(int op_index) {
    ctx_.builder.set_launch(op_index, launched_);
    ops_.push_back(op_index);
  }
  // The cores the open program runs on.
  void add_core(int core) { cores_.insert(core); }
  // Writes the open program's outputs, records its Launch; nothing when no program is open.
  void close();
  // An output buffer the program writes back whole, never bounded to two blocks.
  void keep_whole(int core, int buffer) { whole_.insert({core, buffer}); }
  // The buffer that counts the core's output pieces landed in DRAM, when the lowering waits on it itself.
  void use_written_token(int core, int buffer) { written_tokens_[core] = buffer; }
  bool open() const { return !ops_.empty(); }
  int op() const { return ops_.empty() ? -1 : ops_.front(); }

 private:
  // Whether a tensor leaves the program through DRAM: graph outputs (unless the trace keeps them in L1)
  // and tensors with consumers outside the program, unless the tensor stays in L1.
  bool goes_to_dram(int tensor) const;
  // Whether a tensor stays in its producers' L1 for the next programs: never when the trace's memory
  // config puts it in DRAM; else when every holder's share is within mapper.l1_tensor_fraction of its
  // SRAM (a tensor the trace shards in L1 too, as the producers here need not hold the trace's shards).
  bool stays_in_l1(int tensor) const;
  // Bounds the op's output buffer on a core to two blocks when all of it goes to DRAM: the writer frees
  // each piece once sent (pop) and the compute waits for room, as a tt-metal output circular buffer.
  // Returns the tiles each piece frees, by piece level (nothing when the buffer stays whole).
  std::map<uint64_t, uint64_t> bound_output(int core, int buffer, const std::vector<uint64_t>& levels);

  MapContext& ctx_;
  uint64_t launched_ = 0;
  std::vector<int> ops_;
  std::set<int> cores_;
  std::set<std::pair<int, int>> whole_;
  std::map<int, int> written_tokens_;  // core -> token buffer the lowering created
};

}  // namespace tessera
