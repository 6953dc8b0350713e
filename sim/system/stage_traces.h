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

// Every tensor of the trace at 1/`parts` of the batch (dimension 0 of the inputs and of every activation
// computed from them; weights and constants whole). InputError naming the file and the tensor's JSON path
// when the batch does not divide, or the trace routes MoE tokens (counted over the whole batch). `over`
// says into what, for the message ("over the 2 chips of n300").
std::map<std::string, ChipTensor> batch_share(const nlohmann::json& trace, const Graph& graph, const std::string& file,
                                              int parts, const std::string& over);
// Every op of the graph, its operands under their own names.
std::vector<StageOp> whole_graph_ops(const Graph& graph);

// The tensor's bytes at `shape`, in its format or the config's default.
uint64_t tensor_bytes(const Tensor& t, const std::vector<int64_t>& shape, DataFormat default_format);

}  // namespace tessera::system
