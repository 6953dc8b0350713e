#pragma once
// The keys trace version 2 adds (docs/trace-format.md): a tensor's memory config, layout and device shape;
// an op's cores, core grid, program config and metadata. Each reader throws InputError naming the file, the
// JSON path and what was expected.
#include "sim/config/json_reader.h"
#include "sim/workload/graph.h"

namespace tessera {

void read_tensor_v2_keys(ObjectReader& r, Tensor& t);
void read_op_v2_keys(ObjectReader& r, Op& op, const std::string& op_label);

}  // namespace tessera
