#pragma once
// Builds one chip's trace for one stage of a multi-chip run (parallel_split.h) from ops of the whole
// trace: each op as the trace has it, with its operands renamed where a collective's result replaces them,
// and each tensor at the shape it has on that chip. A tensor the stage reads but does not compute (made
// by an earlier stage or a collective) becomes an input of the stage, read from DRAM; weights and
// constants stay what they are.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/workload/graph.h"

namespace tessera::system {

struct StageOp {
  int op = 0;                        // index in the whole graph
  std::vector<std::string> inputs;   // tensor names on the chip
  std::vector<std::string> outputs;
  nlohmann::json attrs;              // null: the trace's; else what replaces them (an MoE op's dealt token counts)
};

struct ChipTensor {
  int origin = 0;                    // the whole graph's tensor it is (a share, or a collective's result of)
  std::vector<int64_t> shape;
};

class StageTraceBuilder {
 public:
  StageTraceBuilder(const nlohmann::json& trace, const Graph& graph, const std::string& file);

  // Parses the stage's trace (a graph with no ops when `ops` is empty). `tensors` gives every tensor
  // the ops name. A trace that does not parse is a split the mapper could not make: InputError naming
  // the trace file and what the chip's share got wrong.
  Graph build(const std::vector<StageOp>& ops, const std::map<std::string, ChipTensor>& tensors,
              const std::string& label) const;

 private:
  const nlohmann::json& trace_;
  const Graph& graph_;
  std::string file_;
  std::map<std::string, size_t> op_entry_, tensor_entry_;  // name -> index in the trace file's lists
};

// A chip's share of the batch: every tensor of the trace at 1/`parts` of it (dimension 0 of the inputs
// and of every activation computed from them, and of a constant combined element-wise with one of those
// with the same dimension 0; weights and constants otherwise whole). An MoE layer's rows per expert are
// dealt over the parts instead (deal_rows), and its dispatch and combine get the dealt counts (`attrs`).
// InputError naming the file and the tensor's JSON path when the batch does not divide; `over` says into
// what, for the message ("over the 2 chips of n300").
struct BatchShare {
  std::map<std::string, ChipTensor> tensors;
  std::map<int, nlohmann::json> attrs;  // op index -> its attrs in this share
};
BatchShare batch_share(const nlohmann::json& trace, const Graph& graph, const std::string& file, int parts, int part,
                       const std::string& over);

// Each count's rows over `parts` chips: the floor on every chip, the remainders dealt round the chips in
// turn across all counts, so that chips with equal token counts get equal totals (part x count).
std::vector<std::vector<int64_t>> deal_rows(const std::vector<int64_t>& counts, int parts);

// Every op of the graph, its operands under their own names.
std::vector<StageOp> whole_graph_ops(const Graph& graph);

// The tensor's bytes at `shape`, in its format or the config's default.
uint64_t tensor_bytes(const Tensor& t, const std::vector<int64_t>& shape, DataFormat default_format);

}  // namespace tessera::system
