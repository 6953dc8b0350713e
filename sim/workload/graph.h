#pragma once
// The workload: tensors and ops of an operator graph, read from a trace (docs/trace-format.md).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/base/data_format.h"
#include "sim/workload/op_type.h"

namespace tessera {

// input: the network input; weight: a trained parameter; constant: any other fixed data (anchor grids,
// scales, rotary tables), which moves like a weight but is not counted as a parameter.
enum class TensorKind { input, weight, constant, activation };

struct Tensor {
  std::string name;
  std::vector<int64_t> shape;
  TensorKind kind = TensorKind::activation;
  std::optional<DataFormat> format;  // unset: the config's default
  std::optional<double> density;     // fraction of non-zero values; unset: the config's default
  double zero_tiles = 0.0;           // fraction of all-zero 32x32 tiles
  // A conv-net activation ([N, C, H, W], held channels-last on chip); other tensors are row-major with
  // the last dimension as columns. Set for every rank-4 tensor of a graph that has convs or pools.
  bool image = false;
  int producer = -1;                 // op index, -1 for inputs and weights
  std::vector<int> consumers;        // op indices

  int64_t elements() const;
};

struct Op {
  std::string name;
  OpType type = OpType::relu;
  std::vector<int> inputs;   // tensor indices
  std::vector<int> outputs;  // tensor indices
  nlohmann::json attrs = nlohmann::json::object();
  std::optional<DataFormat> format;
  std::optional<Fidelity> fidelity;
  std::string group;
  int cores = 0;  // cores the op ran on (a profile's core count); 0 = unset, the mapper decides
  // Facts the trace carries about the op that the simulation never reads (a profile's measured_ns).
  nlohmann::json metadata = nlohmann::json::object();
};

struct Graph {
  std::string name;
  std::string description;
  std::vector<Tensor> tensors;
  std::vector<Op> ops;              // in topological order after loading
  std::map<std::string, int> tensor_index;

  const Tensor& input(const Op& op, size_t i) const { return tensors[op.inputs[i]]; }
  const Tensor& output(const Op& op, size_t i = 0) const { return tensors[op.outputs[i]]; }
};

}  // namespace tessera
