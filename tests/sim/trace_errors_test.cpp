// Trace validation: unknown op types, missing tensors, shape mismatches and cycles are refused with a
// message naming the file, the JSON path and the op.
#include <catch2/catch.hpp>

#include "sim/base/errors.h"
#include "sim/workload/op_shapes.h"
#include "sim/workload/trace_reader.h"
#include "tests/support/cli.h"

using namespace tessera;
using Json = nlohmann::json;

namespace {

// x[1,4,8,8] -> conv 3x3 pad 1 (8 filters) -> relu
Json small_trace() {
  return Json::parse(R"({
    "format": "tessera-trace", "version": 1, "name": "small",
    "tensors": [
      {"name": "x", "shape": [1, 4, 8, 8], "kind": "input"},
      {"name": "w", "shape": [8, 4, 3, 3], "kind": "weight"},
      {"name": "y", "shape": [1, 8, 8, 8]},
      {"name": "z", "shape": [1, 8, 8, 8]}
    ],
    "ops": [
      {"name": "conv", "type": "conv2d", "inputs": ["x", "w"], "outputs": ["y"],
       "attrs": {"kernel": [3, 3], "stride": [1, 1], "padding": [1, 1]}},
      {"name": "act", "type": "relu", "inputs": ["y"], "outputs": ["z"]}
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

}  // namespace

TEST_CASE("a valid trace parses, with MACs from shapes", "[trace]") {
  const Graph g = parse_trace(small_trace(), "t.json");
  REQUIRE(g.ops.size() == 2);
  // 8 filters x 64 output pixels x 4 channels x 9 taps
  CHECK(op_macs(g, g.ops[0]) == 8 * 64 * 4 * 9);
  CHECK(op_params(g, g.ops[0]) == 8 * 4 * 9);
}

TEST_CASE("trace errors name the op and what was expected", "[trace]") {
  Json t = small_trace();
  SECTION("unknown op type") {
    t["ops"][1]["type"] = "relu7";
    CHECK(parse_error(t) == "t.json: /ops/1/type: (act) expected a known op type (see docs/trace-format.md), got \"relu7\"");
  }
  SECTION("missing tensor") {
    t["ops"][1]["inputs"][0] = "q";
    CHECK(parse_error(t) == "t.json: /ops/1/inputs/0: (act) expected a tensor declared in /tensors, got unknown tensor \"q\"");
  }
  SECTION("shape mismatch") {
    t["tensors"][2]["shape"] = {1, 8, 8, 9};
    t["tensors"][3]["shape"] = {1, 8, 8, 9};
    CHECK(parse_error(t) == "t.json: /ops/0: (conv) conv2d output shape [1,8,8,9] does not match inputs: expected [1,8,8,8]");
  }
  SECTION("cycle") {
    // a = relu(b), b = relu(a): each op waits for the other.
    const Json cyclic = Json::parse(R"({"format": "tessera-trace", "version": 1, "name": "loop",
      "tensors": [{"name": "a", "shape": [4]}, {"name": "b", "shape": [4]}],
      "ops": [{"name": "p", "type": "relu", "inputs": ["b"], "outputs": ["a"]},
              {"name": "q", "type": "relu", "inputs": ["a"], "outputs": ["b"]}]})");
    CHECK(parse_error(cyclic) == "t.json: /ops/0: (p) expected an acyclic graph, but this op depends on its own output: p -> q -> p");
  }
  SECTION("tensor produced twice") {
    t["ops"][1]["outputs"][0] = "y";
    CHECK(parse_error(t).find("/ops/1/outputs/0: (act) expected each tensor produced once") != std::string::npos);
  }
  SECTION("activation nobody produces") {
    t["ops"].erase(1);
    CHECK(parse_error(t) == "t.json: /tensors/3: expected activation \"z\" to be produced by an op (or declare kind \"input\", \"weight\" or \"constant\")");
  }
  SECTION("unknown attribute") {
    t["ops"][0]["attrs"]["strides"] = {1, 1};
    CHECK(parse_error(t) == "t.json: /ops/0: (conv) unknown attribute \"strides\" for conv2d");
  }
  SECTION("bad version") {
    t["version"] = 7;
    CHECK(parse_error(t) == "t.json: /version: expected trace format version 1 or 2, got 7");
  }
  SECTION("unknown key") {
    t["tensors"][0]["dtype"] = "bf16";
    CHECK(parse_error(t) == "t.json: /tensors/0/dtype: unknown key (check the spelling; see docs/trace-format.md)");
  }
}

TEST_CASE("the CLI refuses a bad trace with exit code 2", "[trace][cli]") {
  const std::string dir = tessera::test::fresh_temp_dir("trace");
  Json t = small_trace();
  t["ops"][1]["type"] = "relu7";
  tessera::test::write_text(dir + "/t.json", t.dump());
  auto r = tessera::test::run_tessera("run --config configs/toy_4x4.json --trace " + dir + "/t.json --out " + dir + "/out");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("/ops/1/type: (act) expected a known op type") != std::string::npos);
  CHECK(r.out.empty());
  r = tessera::test::run_tessera("trace-info " + dir + "/t.json");
  CHECK(r.exit_code == 2);
}
