#pragma once
// The data format of every tensor and the math fidelity of every op, chosen once per graph: the trace's
// where it gives them, else, op by op, the rule `mapper.op_by_op_rules` names, else the mapper's defaults.
// The lowerings, the SRAM check, the energy model and the report all read these, so a tensor has one
// format for its producer and every consumer. Rules and their sources: docs/mapping.md, "Formats and
// fidelity op by op".
#include <string>
#include <vector>

#include "sim/config/arch_config.h"
#include "sim/workload/graph.h"

namespace tessera {

struct FormatChoices {
  std::vector<DataFormat> tensor_format;  // per tensor of the graph
  std::vector<Fidelity> op_fidelity;      // per op
  // Per op: what the rule set on it ("" when the trace or the defaults decided everything), for the plan.
  std::vector<std::string> op_rule;
};

// Whether `rules` applies to the graph under `mapper`: only op by op, and tt_metal_cnn only to a conv net
// (a graph with a conv), the kind of model the demos it comes from are.
bool op_by_op_rules_apply(const MapperConfig& mapper, const Graph& graph);

FormatChoices choose_formats(const MapperConfig& mapper, const Graph& graph);

}  // namespace tessera
