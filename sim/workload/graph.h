#pragma once
// The workload: tensors and ops of an operator graph, read from a trace (docs/trace-format.md).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/base/data_format.h"
#include "sim/workload/memory_config.h"
#include "sim/workload/op_type.h"
#include "sim/workload/program_config.h"

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
  // Version 2 (tt-metal profiles): where the tensor lives between ops (unset: the mapper decides), its
  // layout, and the shape the device stores (padded to tiles; tt-metal's [1, 1, N*H*W, C] for an image).
  std::optional<MemoryConfig> memory;
  TensorLayout layout = TensorLayout::tile;
  std::vector<int64_t> device_shape;  // empty: the logical shape
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
  // Version 2 (tt-metal profiles): how the op ran. 0 cores and an empty grid: the mapper chooses.
  int cores = 0;
  std::vector<CoreRange> core_grid;
  ProgramConfig program;
  nlohmann::json metadata = nlohmann::json::object();  // never read by the simulation (measured_ns, op_code, ...)
};

struct Graph {
  std::string name;
  std::string description;
  int version = 1;
  nlohmann::json metadata = nlohmann::json::object();  // the trace's top-level metadata (e.g. metadata.device)
  std::vector<Tensor> tensors;
  std::vector<Op> ops;              // in topological order after loading
  std::map<std::string, int> tensor_index;

  const Tensor& input(const Op& op, size_t i) const { return tensors[op.inputs[i]]; }
  const Tensor& output(const Op& op, size_t i = 0) const { return tensors[op.outputs[i]]; }
};

}  // namespace tessera
