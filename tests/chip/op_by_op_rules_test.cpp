// mapper.op_by_op_rules: op by op, tt_metal_cnn runs a conv net's convs and matmuls at LoFi with BFP8
// weights and outputs where the trace gives no format or fidelity (docs/mapping.md, "Formats and fidelity
// op by op"). One 1x1 conv on one core; the engines' busy cycles and the weight bytes are derived by hand
// from the tile counts, the fidelity's cycles per tile and the formats' tile sizes.
#include <catch2/catch.hpp>

#include <string>

#include <nlohmann/json.hpp>

#include "sim/config/config_loader.h"
#include "sim/mapper/op_by_op_rules.h"
#include "sim/workload/trace_reader.h"
#include "tests/support/cli.h"

using tessera::test::run_tessera;

namespace {

// y = conv1x1(x, w): x [1, 64, 32, 32] (1024 pixels x 64 channels), w [64, 64, 1, 1]. `op_extra` and
// `tensor_extra` add trace fields to the op and to w and y.
std::string one_conv_trace(const std::string& op_extra, const std::string& tensor_extra) {
  const std::string dir = tessera::test::fresh_temp_dir("op_by_op_rules");
  const std::string text = R"({"format": "tessera-trace", "version": 1, "name": "one_conv",
    "tensors": [{"name": "x", "shape": [1, 64, 32, 32], "kind": "input"},
                {"name": "w", "shape": [64, 64, 1, 1], "kind": "weight")" + tensor_extra + R"(},
                {"name": "y", "shape": [1, 64, 32, 32])" + tensor_extra + R"(}],
    "ops": [{"name": "conv", "type": "conv2d", "inputs": ["x", "w"], "outputs": ["y"],
             "attrs": {"kernel": [1, 1], "stride": [1, 1], "padding": [0, 0]})" + op_extra + R"(}]})";
  tessera::test::write_text(dir + "/one_conv.json", text);
  return dir + "/one_conv.json";
}

struct Busy {
  uint64_t math = 0, pack = 0, unpack = 0, weight_bytes = 0;
};

// The conv on the toy chip's first core alone (ideal NoC), with `sets` added.
Busy run_conv(const std::string& trace, const std::string& sets) {
  const auto r = run_tessera("run --config configs/toy_4x4.json --trace " + trace +
                             " --set noc.model=ideal --set chip.compute_grid.width=1 --set chip.compute_grid.height=1 " +
                             sets + " --json --quiet");
  REQUIRE(r.exit_code == 0);
  const auto report = nlohmann::json::parse(r.out);
  const auto& core = report["stats"]["core"]["0_1"];
  return {core["math"]["busy_cycles"]["value"].get<uint64_t>(), core["pack"]["busy_cycles"]["value"].get<uint64_t>(),
          core["unpack"]["busy_cycles"]["value"].get<uint64_t>(), report["ops"][0]["weight_bytes"].get<uint64_t>()};
}

// By hand, for this conv on the toy chip (Wormhole's core: 16 / 64 matrix-unit cycles per 32x32x32 tile
// product at LoFi / HiFi4, unpackers and packer at 64 B/cycle; a bf16 tile is 2048 B, a BFP8 one 1088):
//   tiles: A 32 rows x 2 K, B 2 K x 2 N, the output 32 x 2; 32 x 2 x 2 = 128 tile products.
//   math: 128 x 16 = 2048 cycles at LoFi, 128 x 64 = 8192 at HiFi4 (the fidelity's 1 against 4 passes).
//   pack: 64 output tiles x 1088 / 64 = 1088 cycles in BFP8, x 2048 / 64 = 2048 in bf16.
//   unpack: A once (64 bf16 tiles, the network input keeps its format: 2048 cycles) and all of B for each
//     of the 4 sub-blocks of 8 tile rows (docs/mapping.md): 4 x 4 x 1088 / 64 = 272 in BFP8, 512 in bf16.
//   weights read from DRAM: 4 tiles x 1088 = 4352 bytes, x 2048 = 8192.
constexpr Busy kLofiBfp8{2048, 1088, 2048 + 272, 4352};
constexpr Busy kHifi4Bf16{8192, 2048, 2048 + 512, 8192};

void check(const Busy& got, const Busy& want) {
  CHECK(got.math == want.math);
  CHECK(got.pack == want.pack);
  CHECK(got.unpack == want.unpack);
  CHECK(got.weight_bytes == want.weight_bytes);
}

}  // namespace

TEST_CASE("op by op, tt_metal_cnn runs a conv at LoFi with BFP8 weights and output", "[chip][op_by_op][formats]") {
  const std::string trace = one_conv_trace("", "");
  const std::string op_by_op = "--set mapper.schedule=op_by_op --set mapper.default_fidelity=hifi4";
  check(run_conv(trace, op_by_op + " --set mapper.op_by_op_rules=tt_metal_cnn"), kLofiBfp8);
  // `trace` leaves the op to the mapper's defaults: HiFi4 (as set here) and bf16.
  check(run_conv(trace, op_by_op + " --set mapper.op_by_op_rules=trace"), kHifi4Bf16);
}

TEST_CASE("op by op, the trace's formats and fidelity win over tt_metal_cnn", "[chip][op_by_op][formats]") {
  const std::string trace = one_conv_trace(R"(, "fidelity": "hifi4")", R"(, "format": "bf16")");
  check(run_conv(trace, "--set mapper.schedule=op_by_op --set mapper.op_by_op_rules=tt_metal_cnn"), kHifi4Bf16);
}

TEST_CASE("the fused schedule does not read mapper.op_by_op_rules", "[chip][formats]") {
  const std::string trace = one_conv_trace("", "");
  const Busy fused = run_conv(trace, "--set mapper.default_fidelity=hifi4 --set mapper.op_by_op_rules=tt_metal_cnn");
  CHECK(fused.math == kHifi4Bf16.math);
  CHECK(fused.weight_bytes == kHifi4Bf16.weight_bytes);
}

TEST_CASE("tt_metal_cnn applies to conv nets only: a graph without a conv keeps the defaults", "[mapper][formats]") {
  // Two matmuls on weights (a transformer's MLP, say): the CNN demos' settings are not theirs.
  const std::string dir = tessera::test::fresh_temp_dir("op_by_op_rules_mlp");
  tessera::test::write_text(dir + "/mlp.json", R"({"format": "tessera-trace", "version": 1, "name": "mlp",
    "tensors": [{"name": "x", "shape": [64, 256], "kind": "input"}, {"name": "w1", "shape": [256, 256], "kind": "weight"},
                {"name": "h", "shape": [64, 256]}, {"name": "w2", "shape": [256, 256], "kind": "weight"},
                {"name": "y", "shape": [64, 256]}],
    "ops": [{"name": "fc1", "type": "matmul", "inputs": ["x", "w1"], "outputs": ["h"]},
            {"name": "fc2", "type": "matmul", "inputs": ["h", "w2"], "outputs": ["y"]}]})");
  const tessera::ArchConfig config = tessera::load_arch_config("configs/toy_4x4.json", {"mapper.schedule=op_by_op"});
  const tessera::Graph graph = tessera::read_trace(dir + "/mlp.json");
  CHECK_FALSE(tessera::op_by_op_rules_apply(config.mapper, graph));
  const tessera::FormatChoices c = tessera::choose_formats(config.mapper, graph);
  for (tessera::DataFormat f : c.tensor_format) CHECK(f == tessera::DataFormat::bf16);
  for (tessera::Fidelity f : c.op_fidelity) CHECK(f == tessera::Fidelity::hifi2);
}

TEST_CASE("tt_metal_cnn: ops after a conv write their input's format, the network input keeps its own", "[mapper][formats]") {
  // conv -> relu -> add (with the conv's input) -> a matmul head: the relu and the add follow the
  // conv's BFP8 output; the head is a matmul of a conv net: LoFi (here the trace's HiFi3 wins) and a BFP8
  // output, its weight in the default bf16 (ResNet-50's linear keeps ttnn's default weight format).
  const std::string dir = tessera::test::fresh_temp_dir("op_by_op_rules_chain");
  tessera::test::write_text(dir + "/chain.json", R"({"format": "tessera-trace", "version": 1, "name": "chain",
    "tensors": [{"name": "x", "shape": [1, 64, 8, 8], "kind": "input"}, {"name": "w", "shape": [64, 64, 1, 1], "kind": "weight"},
                {"name": "c", "shape": [1, 64, 8, 8]}, {"name": "r", "shape": [1, 64, 8, 8]},
                {"name": "s", "shape": [1, 64, 8, 8]}, {"name": "f", "shape": [1, 4096]},
                {"name": "wf", "shape": [4096, 32], "kind": "weight"}, {"name": "y", "shape": [1, 32]}],
    "ops": [{"name": "conv", "type": "conv2d", "inputs": ["x", "w"], "outputs": ["c"],
             "attrs": {"kernel": [1, 1], "stride": [1, 1], "padding": [0, 0]}},
            {"name": "relu", "type": "relu", "inputs": ["c"], "outputs": ["r"]},
            {"name": "add", "type": "add", "inputs": ["r", "x"], "outputs": ["s"]},
            {"name": "flat", "type": "flatten", "inputs": ["s"], "outputs": ["f"]},
            {"name": "fc", "type": "matmul", "inputs": ["f", "wf"], "outputs": ["y"], "fidelity": "hifi3"}]})");
  const tessera::ArchConfig config = tessera::load_arch_config("configs/toy_4x4.json", {"mapper.schedule=op_by_op"});
  const tessera::Graph graph = tessera::read_trace(dir + "/chain.json");
  const tessera::FormatChoices c = tessera::choose_formats(config.mapper, graph);
  auto format = [&](const std::string& name) { return c.tensor_format[size_t(graph.tensor_index.at(name))]; };
  using tessera::DataFormat;
  CHECK(format("x") == DataFormat::bf16);
  CHECK(format("wf") == DataFormat::bf16);
  for (const char* t : {"w", "c", "r", "s", "f", "y"}) CHECK(format(t) == DataFormat::bfp8);
  CHECK(c.op_fidelity[0] == tessera::Fidelity::lofi);
  CHECK(c.op_fidelity[1] == tessera::Fidelity::hifi2);  // not a conv or a matmul: the default
  CHECK(c.op_fidelity[4] == tessera::Fidelity::hifi3);  // the trace's
}
