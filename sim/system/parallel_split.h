#pragma once
// How `tessera run --system` splits one trace over a system's chips (mapper.parallel, docs/systems.md):
// into stages, each a trace per chip, with the collectives that run between one stage and the next.
//
//  data    one stage: every chip runs the whole graph on its share of the batch (dimension 0 of the
//          inputs and of every activation computed from them), weights replicated; nothing is exchanged.
//  tensor  matmuls with a weight split by output columns (the input replicated) or by rows (the input
//          already split by columns, giving partial sums), element-wise ops, reshapes, transposes and
//          batched matmuls following the split (attention splits by heads); an all_gather where an op
//          needs a split tensor whole, an all_reduce where it needs partial sums summed. A collective ends
//          a stage: the ops that read its result run in a later one.
//  expert  an MoE layer's experts dealt round the chips (expert e on chip e mod N): the ops before the
//          dispatch run on every chip, an all_to_all carries the routed tokens to their experts' chips,
//          each chip runs its experts, an all_to_all carries the results back, the combine and what
//          follows run on every chip.
//  pipeline the ops, in order, cut into one part per chip of about equal MACs, part c on the c-th chip of
//          the system's snake; the batch streams through in micro-batches of one sample (the whole batch
//          when the trace routes MoE tokens); each tensor a later part reads is sent there (send_recv).
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/config/mapper_choices.h"
#include "sim/system/collective_trace.h"
#include "sim/system/system_config.h"
#include "sim/workload/graph.h"

namespace tessera::system {

struct StageCollective {
  Collective collective;  // on the whole system, in the snake order (a ring when it closes)
  std::string tensor;     // the tensor it moves
  std::string reason;     // why the mapper put it there
};

struct Stage {
  // Per device id: the chip's trace for this stage, parsed; null when the chip has no work in it. Chips
  // that run the same share point at the same graph.
  std::vector<std::shared_ptr<const Graph>> chips;
  std::vector<StageCollective> collectives;  // after every chip has finished the stage, one after another
};

// Pipeline parallel: stage c (one chip) runs once per micro-batch; after each run it sends what later
// stages read. A chip starts micro-batch m when it has finished m-1 and every send to it for m has arrived.
struct PipelineSend {
  int from_stage = 0, to_stage = 0;
  StageCollective send;  // a send_recv between the two stages' devices, one micro-batch's tensors
};
struct Pipeline {
  int microbatches = 1;
  std::vector<int> device_of_stage;
  std::vector<PipelineSend> sends;
};

struct SystemWorkload {
  Parallel mode = Parallel::data;
  std::vector<Stage> stages;
  std::optional<Pipeline> pipeline;  // pipeline mode: how its stages follow one another
  std::vector<std::string> notes;  // what the split decided, for the summary
};

// `trace` is the trace file's JSON, `graph` the same trace parsed (it has been validated). InputError naming
// the trace file and the JSON path when the trace cannot be split that way (a batch that does not divide
// over the chips, an MoE trace asked for data parallel, a trace without experts asked for expert).
SystemWorkload split_for_system(const SystemConfig& s, const nlohmann::json& trace, const Graph& graph,
                                const std::string& file, Parallel mode);

// The split modes, one file each.
SystemWorkload split_data(const SystemConfig& s, const nlohmann::json& trace, const Graph& graph, const std::string& file);
SystemWorkload split_tensor(const SystemConfig& s, const nlohmann::json& trace, const Graph& graph, const std::string& file);
SystemWorkload split_expert(const SystemConfig& s, const nlohmann::json& trace, const Graph& graph, const std::string& file);
SystemWorkload split_pipeline(const SystemConfig& s, const nlohmann::json& trace, const Graph& graph, const std::string& file);

// A collective over all the system's chips along its snake: a ring when the snake closes, otherwise a line,
// on as many links as every neighbouring pair of it has.
Collective system_collective(const SystemConfig& s, CollectiveOp op, uint64_t bytes_per_chip, DataFormat dtype,
                             const std::string& where);

}  // namespace tessera::system
