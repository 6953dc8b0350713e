// Trace version 2 (docs/trace-format.md): memory configs, layouts, device shapes, cores, programs and
// metadata are read into the graph; bad values are refused naming the file, the JSON path and what was
// expected; the movement op types have their shape rules.
#include <catch2/catch.hpp>

#include "sim/base/errors.h"
#include "sim/workload/op_shapes.h"
#include "sim/workload/trace_reader.h"

using namespace tessera;
using Json = nlohmann::json;

namespace {

// A conv on a halo'd, height-sharded input as tt-metal runs it, then an untilize to DRAM.
Json v2_trace() {
  return Json::parse(R"({
    "format": "tessera-trace", "version": 2, "name": "v2",
    "metadata": {"device": {"arch": "blackhole", "clock_mhz": 1350}},
    "tensors": [
      {"name": "x", "shape": [1, 32, 16, 16], "kind": "input", "layout": "row_major", "device_shape": [1, 1, 256, 32],
       "memory": {"buffer": "l1", "layout": "height_sharded", "shard_grid": [[0, 0, 3, 0], [0, 1, 3, 1]],
                  "shard_shape": [32, 32], "orientation": "row_major"}},
      {"name": "xh", "shape": [1, 32, 18, 18], "layout": "row_major", "device_shape": [1, 1, 400, 32]},
      {"name": "w", "shape": [64, 32, 3, 3], "kind": "weight", "format": "bfp8", "memory": {"buffer": "dram", "layout": "interleaved"}},
      {"name": "y", "shape": [1, 64, 16, 16], "device_shape": [1, 1, 256, 64]},
      {"name": "z", "shape": [1, 64, 16, 16], "layout": "row_major", "device_shape": [1, 1, 256, 64],
       "memory": {"buffer": "dram", "layout": "interleaved"}}
    ],
    "ops": [
      {"name": "halo", "type": "halo", "inputs": ["x"], "outputs": ["xh"],
       "attrs": {"kernel": [3, 3], "stride": [1, 1], "padding": [1, 1, 1, 1]}, "cores": 8},
      {"name": "conv", "type": "conv2d", "inputs": ["xh", "w"], "outputs": ["y"],
       "attrs": {"kernel": [3, 3], "padding": [0, 0]}, "cores": 8, "core_grid": [[0, 0, 3, 1]], "fidelity": "hifi4",
       "program": {"act_block_h_tiles": 1, "act_block_w_tiles": 9, "out_subblock_h_tiles": 1, "out_subblock_w_tiles": 2,
                   "weights_block_w_tiles": 2, "shard_layout": "height", "grid": [4, 2]},
       "metadata": {"measured_ns": 12345, "op_code": "OptimizedConvNew", "op_to_op_ns": 800}},
      {"name": "untilize", "type": "untilize", "inputs": ["y"], "outputs": ["z"], "cores": 8}
    ]})");
}

std::string parse_error(const Json& trace) {
  try {
    parse_trace(trace, "t.json");
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

// One op of `type` from x to y with `attrs`; returns the error, or "no error".
std::string one_op_error(const std::string& type, const std::vector<Json>& inputs, const Json& out_shape,
                         const Json& attrs = Json::object()) {
  Json t = {{"format", "tessera-trace"}, {"version", 2}, {"name", "one"}, {"tensors", Json::array()}, {"ops", Json::array()}};
  Json names = Json::array();
  for (size_t i = 0; i < inputs.size(); ++i) {
    t["tensors"].push_back({{"name", "in" + std::to_string(i)}, {"shape", inputs[i]}, {"kind", "input"}});
    names.push_back("in" + std::to_string(i));
  }
  t["tensors"].push_back({{"name", "y"}, {"shape", out_shape}});
  t["ops"].push_back({{"name", "op"}, {"type", type}, {"inputs", names}, {"outputs", {"y"}}, {"attrs", attrs}});
  return parse_error(t);
}

}  // namespace

TEST_CASE("a version-2 trace's memory configs, cores, programs and metadata reach the graph", "[trace][v2]") {
  const Graph g = parse_trace(v2_trace(), "t.json");
  REQUIRE(g.version == 2);
  CHECK(g.metadata["device"]["clock_mhz"] == 1350);
  const Tensor& x = g.tensors[g.tensor_index.at("x")];
  REQUIRE(x.memory);
  CHECK(x.memory->buffer == BufferType::l1);
  CHECK(x.memory->layout == MemoryLayout::height_sharded);
  REQUIRE(x.memory->shard_grid.size() == 2);
  CHECK(x.memory->shard_grid[1] == CoreRange{0, 1, 3, 1});
  CHECK(count_cores(x.memory->shard_grid) == 8);
  CHECK(x.memory->shard_shape == std::vector<int64_t>{32, 32});
  CHECK(x.layout == TensorLayout::row_major);
  CHECK(x.device_shape == std::vector<int64_t>{1, 1, 256, 32});
  CHECK(!g.tensors[g.tensor_index.at("xh")].memory);  // absent: the mapper decides
  CHECK(g.tensors[g.tensor_index.at("y")].layout == TensorLayout::tile);  // the default

  const Op& conv = g.ops[1];
  REQUIRE(conv.name == "conv");
  CHECK(conv.cores == 8);
  CHECK(conv.core_grid == std::vector<CoreRange>{{0, 0, 3, 1}});
  CHECK(conv.program.present);
  CHECK(conv.program.act_block_w_tiles == 9);
  CHECK(conv.program.out_subblock_w_tiles == 2);
  CHECK(conv.program.weights_block_w_tiles == 2);
  CHECK(conv.program.shard_layout == "height");
  CHECK(conv.program.grid_x == 4);
  CHECK(conv.program.grid_y == 2);
  CHECK(conv.metadata["measured_ns"] == 12345);
  CHECK(!g.ops[2].program.present);
  CHECK(g.ops[2].cores == 8);
  // The halo pads 16x16 by one pixel each side; the conv on it pads nothing: 3x3 over 18x18 gives 16x16.
  CHECK(op_macs(g, conv) == 64 * 16 * 16 * 32 * 9);
}

TEST_CASE("a device shape decides whether a rank-4 tensor of a conv net is an image", "[trace][v2]") {
  Json t = v2_trace();
  // A tt-metal matrix [1, 1, 256, 64] whose device shape is its own, tile-padded: row-major, not an image.
  t["tensors"].push_back({{"name", "flat"}, {"shape", {1, 1, 250, 64}}, {"device_shape", {1, 1, 256, 64}}, {"kind", "input"}});
  t["tensors"].push_back({{"name", "flat_relu"}, {"shape", {1, 1, 250, 64}}, {"device_shape", {1, 1, 256, 64}}});
  t["ops"].push_back({{"name", "r"}, {"type", "relu"}, {"inputs", {"flat"}}, {"outputs", {"flat_relu"}}});
  const Graph g = parse_trace(t, "t.json");
  CHECK(g.tensors[g.tensor_index.at("x")].image);    // [1,32,16,16] held as [1,1,256,32]
  CHECK(g.tensors[g.tensor_index.at("xh")].image);   // halo'd rows: 400 device rows for 18x18 = 324 pixels
  CHECK(!g.tensors[g.tensor_index.at("flat")].image);
  CHECK(g.tensors[g.tensor_index.at("w")].image);    // no device shape: the version-1 rule
}

// An op cut out of a conv net's profile (no conv left in the graph) still holds its tensors channels-last
// when the device shapes say so, all of them or none: a tilize must not see its input as an image and its
// output as a matrix.
Json one_op_trace(const std::vector<int64_t>& out_device) {
  Json t = {{"format", "tessera-trace"}, {"version", 2}, {"name", "cut"}, {"tensors", Json::array()}, {"ops", Json::array()}};
  t["tensors"].push_back({{"name", "a"}, {"shape", {1, 256, 7, 100}}, {"device_shape", {1, 7, 100, 256}}, {"kind", "input"}});
  t["tensors"].push_back({{"name", "y"}, {"shape", {1, 256, 7, 100}}, {"device_shape", out_device}});
  t["ops"].push_back({{"name", "t"}, {"type", "tilize"}, {"inputs", {"a"}}, {"outputs", {"y"}}});
  return t;
}

TEST_CASE("a conv-free graph's tensors are images when every device shape says so", "[trace][v2]") {
  // [N, H, W, C] on the device, W padded to a tile (100 -> 128): both images, rows 7 x 100, columns 256.
  const Graph images = parse_trace(one_op_trace({1, 7, 128, 256}), "t.json");
  CHECK(images.tensors[images.tensor_index.at("a")].image);
  CHECK(images.tensors[images.tensor_index.at("y")].image);
  // An output whose device shape is its own NCHW shape: neither is an image.
  const Graph mixed = parse_trace(one_op_trace({1, 256, 32, 100}), "t.json");
  CHECK(!mixed.tensors[mixed.tensor_index.at("a")].image);
  CHECK(!mixed.tensors[mixed.tensor_index.at("y")].image);
}

TEST_CASE("version 2 keeps the trace's op order when it is topological", "[trace][v2]") {
  // Two chains a->b and c->d listed a, c, b, d: version 1 runs ready ops first come first served (a, c,
  // then b, d as they become ready); version 2 keeps the listed order, which is already topological.
  Json t = Json::parse(R"({"format": "tessera-trace", "version": 2, "name": "order",
    "tensors": [{"name": "x", "shape": [4], "kind": "input"}, {"name": "p", "shape": [4], "kind": "input"},
                {"name": "a", "shape": [4]}, {"name": "b", "shape": [4]}, {"name": "c", "shape": [4]}, {"name": "d", "shape": [4]}],
    "ops": [{"name": "A", "type": "relu", "inputs": ["x"], "outputs": ["a"]},
            {"name": "B", "type": "relu", "inputs": ["a"], "outputs": ["b"]},
            {"name": "C", "type": "relu", "inputs": ["p"], "outputs": ["c"]},
            {"name": "D", "type": "relu", "inputs": ["c"], "outputs": ["d"]}]})");
  std::vector<std::string> v2, v1;
  for (const Op& op : parse_trace(t, "t.json").ops) v2.push_back(op.name);
  CHECK(v2 == std::vector<std::string>{"A", "B", "C", "D"});
  t["version"] = 1;
  for (const Op& op : parse_trace(t, "t.json").ops) v1.push_back(op.name);
  CHECK(v1 == std::vector<std::string>{"A", "C", "B", "D"});
}

TEST_CASE("version-2 keys are refused with the file, the path and what was expected", "[trace][v2]") {
  Json t = v2_trace();
  SECTION("a version-1 trace may not use them") {
    t["version"] = 1;
    CHECK(parse_error(t).find("t.json: /tensors/0/memory: expected no \"memory\" in a version-1 trace (it needs \"version\": 2), got {") == 0);
  }
  SECTION("an unknown version") {
    t["version"] = 3;
    CHECK(parse_error(t) == "t.json: /version: expected trace format version 1 or 2, got 3");
  }
  SECTION("a buffer that is neither dram nor l1") {
    t["tensors"][0]["memory"]["buffer"] = "sram";
    CHECK(parse_error(t).find("t.json: /tensors/0/memory/buffer: expected one of") == 0);
  }
  SECTION("a missing memory layout") {
    t["tensors"][2]["memory"].erase("layout");
    CHECK(parse_error(t).find("t.json: /tensors/2/memory/layout: expected \"interleaved\", \"height_sharded\"") == 0);
  }
  SECTION("shard fields on an interleaved tensor") {
    t["tensors"][2]["memory"]["shard_shape"] = {32, 32};
    CHECK(parse_error(t) == "t.json: /tensors/2/memory/shard_shape: expected no shard fields on an interleaved tensor, got [32,32]");
  }
  SECTION("overlapping shard ranges") {
    t["tensors"][0]["memory"]["shard_grid"] = {{0, 0, 3, 1}, {2, 1, 4, 1}};
    CHECK(parse_error(t) == "t.json: /tensors/0/memory/shard_grid: expected core ranges that do not overlap, got [[0,0,3,1],[2,1,4,1]]");
  }
  SECTION("a range whose end comes before its start") {
    t["ops"][1]["core_grid"] = {{3, 0, 0, 1}};
    CHECK(parse_error(t).find("t.json: /ops/1/core_grid: expected a list of core ranges [[x0, y0, x1, y1], ...] with x0 <= x1") == 0);
  }
  SECTION("a grid smaller than the op's cores") {
    t["ops"][1]["core_grid"] = {{0, 0, 1, 1}};
    CHECK(parse_error(t) == "t.json: /ops/1/core_grid: expected at least the op's 8 cores, got [[0,0,1,1]]");
  }
  SECTION("zero cores") {
    t["ops"][1]["cores"] = 0;
    CHECK(parse_error(t).find("t.json: /ops/1/cores: expected ") == 0);
  }
  SECTION("a program on an op type that takes none") {
    t["ops"][2]["program"] = {{"grid", {1, 1}}};
    CHECK(parse_error(t) == "t.json: /ops/2/program: (untilize) expected no program (only conv2d, matmul and groupnorm take one), got one for untilize");
  }
  SECTION("an unknown program key") {
    t["ops"][1]["program"]["per_core_m"] = 4;  // a matmul key
    CHECK(parse_error(t).find("t.json: /ops/1/program/per_core_m: unknown key") == 0);
  }
  SECTION("a program value out of range") {
    t["ops"][1]["program"]["act_block_w_tiles"] = 0;
    CHECK(parse_error(t).find("t.json: /ops/1/program/act_block_w_tiles: expected ") == 0);
  }
  SECTION("a matmul kind tt-metal does not have") {
    Json mm = Json::parse(R"({"format": "tessera-trace", "version": 2, "name": "mm",
      "tensors": [{"name": "a", "shape": [64, 32], "kind": "input"}, {"name": "b", "shape": [32, 64], "kind": "weight"},
                  {"name": "c", "shape": [64, 64]}],
      "ops": [{"name": "mm", "type": "matmul", "inputs": ["a", "b"], "outputs": ["c"],
               "program": {"kind": "3d_mcast", "in0_block_w": 1}}]})");
    CHECK(parse_error(mm).find("t.json: /ops/0/program/kind: expected one of") == 0);
  }
  SECTION("metadata that is not an object") {
    t["ops"][1]["metadata"] = 5;
    CHECK(parse_error(t) == "t.json: /ops/1/metadata: expected an object, got 5");
  }
  SECTION("a device shape with a negative size") {
    t["tensors"][1]["device_shape"] = {1, -1, 400, 32};
    CHECK(parse_error(t).find("t.json: /tensors/1/device_shape: expected an array of 1 to 8 integers") == 0);
  }
  SECTION("a layout that is neither tile nor row_major") {
    t["tensors"][1]["layout"] = "nd";
    CHECK(parse_error(t).find("t.json: /tensors/1/layout: expected one of") == 0);
  }
}

TEST_CASE("the movement op types have shape rules", "[trace][v2][op_shapes]") {
  using J = Json;
  // Shape-keeping movement: the output has the input's shape.
  for (const char* type : {"tilize", "untilize", "reshard", "move", "typecast", "erf"}) {
    CHECK(one_op_error(type, {J{1, 1, 19, 1280}}, J{1, 1, 19, 1280}) == "no error");
    CHECK(one_op_error(type, {J{1, 1, 19, 1280}}, J{1, 1, 32, 1280}).find("output shape [1,1,32,1280] does not match inputs: expected [1,1,19,1280]") != std::string::npos);
  }
  CHECK(one_op_error("tilize", {J{2, 3}}, J{2, 3}, {{"pad_value", "zero"}}).find("\"pad_value\" must be a finite number") != std::string::npos);
  // halo: 384x1280 padded 3 each side for a 7x7 window, [1,3,390,1286].
  CHECK(one_op_error("halo", {J{1, 3, 384, 1280}}, J{1, 3, 390, 1286}, {{"kernel", {7, 7}}, {"stride", {2, 2}}, {"padding", {3, 3, 3, 3}}}) == "no error");
  CHECK(one_op_error("halo", {J{1, 3, 384, 1280}}, J{1, 3, 388, 1286}, {{"padding", {1, 3, 3, 3}}}) == "no error");  // top 1, bottom 3
  CHECK(one_op_error("halo", {J{1, 3, 384}}, J{1, 3, 384}).find("halo input must have rank 4") != std::string::npos);
  // pad: one [before, after] per dimension.
  CHECK(one_op_error("pad", {J{1, 3, 5}}, J{1, 5, 8}, {{"padding", {{0, 0}, {1, 1}, {0, 3}}}}) == "no error");
  CHECK(one_op_error("pad", {J{1, 3, 5}}, J{1, 5, 8}, {{"padding", {{1, 1}, {0, 3}}}}).find("one [before, after] pair per dimension") != std::string::npos);
  // groupnorm: the groups divide the channels (axis 1, or the axis given).
  CHECK(one_op_error("groupnorm", {J{1, 64, 8, 8}, J{64}, J{64}}, J{1, 64, 8, 8}, {{"groups", 16}}) == "no error");
  CHECK(one_op_error("groupnorm", {J{1, 1, 7680, 256}}, J{1, 1, 7680, 256}, {{"groups", 32}, {"axis", -1}}) == "no error");
  CHECK(one_op_error("groupnorm", {J{1, 64, 8, 8}}, J{1, 64, 8, 8}, {{"groups", 24}}).find("groups 24 must divide the channels 64") != std::string::npos);
  CHECK(one_op_error("groupnorm", {J{1, 64, 8, 8}}, J{1, 64, 8, 8}).find("attribute \"groups\" is required") != std::string::npos);
  // embedding: indices [1, 1, 19] into a [49408, 1280] table give [1, 1, 19, 1280].
  CHECK(one_op_error("embedding", {J{1, 1, 19}, J{49408, 1280}}, J{1, 1, 19, 1280}) == "no error");
  CHECK(one_op_error("embedding", {J{1, 1, 19}, J{1, 49408, 1280}}, J{1, 1, 19, 1280}).find("embedding table must have rank 2") != std::string::npos);
  // grid_sample: [N,C,H,W] sampled at a [N,Ho,Wo,2] grid (or 6 values, precomputed) gives [N,C,Ho,Wo].
  CHECK(one_op_error("grid_sample", {J{1, 256, 48, 160}, J{1, 7, 25281, 6}}, J{1, 256, 7, 25281}) == "no error");
  CHECK(one_op_error("grid_sample", {J{1, 256, 48, 160}, J{1, 7, 25281, 2}}, J{1, 256, 7, 25281}, {{"mode", "nearest"}}) == "no error");
  CHECK(one_op_error("grid_sample", {J{1, 256, 48, 160}, J{1, 7, 25281, 3}}, J{1, 256, 7, 25281}).find("grid must be [N,Ho,Wo,2]") != std::string::npos);
  CHECK(one_op_error("grid_sample", {J{1, 256, 48, 160}, J{1, 7, 25281, 2}}, J{1, 256, 7, 25281}, {{"mode", "cubic"}}).find("mode must be") != std::string::npos);
  // cumsum: the same shape; the axis is required and in range.
  CHECK(one_op_error("cumsum", {J{48, 1, 160, 256}}, J{48, 1, 160, 256}, {{"axis", 0}}) == "no error");
  CHECK(one_op_error("cumsum", {J{48, 1, 160, 256}}, J{48, 1, 160, 256}, {{"axis", 4}}).find("axis out of range") != std::string::npos);
  // data_movement: any shapes, but at least one input.
  CHECK(one_op_error("data_movement", {J{1, 1, 12720, 256}, J{1, 159, 159, 256}}, J{1, 159, 159, 256}) == "no error");
  CHECK(one_op_error("data_movement", {}, J{4}).find("data_movement needs at least one input") != std::string::npos);
  CHECK(one_op_error("data_movement", {J{4}}, J{4}, {{"mode", 1}}).find("unknown attribute \"mode\" for data_movement") != std::string::npos);
}
