// Traces that used to pass validation and then crash, wrap or run silently wrong (issue 16): each is now
// refused at validation with a message naming the file, the JSON path and the op.
#include <catch2/catch.hpp>

#include "sim/base/errors.h"
#include "sim/workload/op_shapes.h"
#include "sim/workload/trace_reader.h"
#include "tests/support/cli.h"

using namespace tessera;
using Json = nlohmann::json;

namespace {

Json matmul_trace(Json a, Json b, Json y, Json attrs = Json::object()) {
  Json t = {{"format", "tessera-trace"}, {"version", 1}, {"name", "mm"}};
  t["tensors"] = {{{"name", "a"}, {"shape", a}, {"kind", "input"}},
                  {{"name", "b"}, {"shape", b}, {"kind", "weight"}},
                  {{"name", "y"}, {"shape", y}}};
  t["ops"] = {{{"name", "mm"}, {"type", "matmul"}, {"inputs", {"a", "b"}}, {"outputs", {"y"}}, {"attrs", attrs}}};
  return t;
}

Json pool_trace(Json kernel, Json y) {
  Json t = {{"format", "tessera-trace"}, {"version", 1}, {"name", "pool"}};
  t["tensors"] = {{{"name", "x"}, {"shape", {1, 4, 3, 3}}, {"kind", "input"}}, {{"name", "y"}, {"shape", y}}};
  t["ops"] = {{{"name", "pool"}, {"type", "maxpool2d"}, {"inputs", {"x"}}, {"outputs", {"y"}}, {"attrs", {{"kernel", kernel}}}}};
  return t;
}

// x[4,8] routed to 2 experts with k = 1.
Json moe_trace(Json counts, Json dropped) {
  Json t = {{"format", "tessera-trace"}, {"version", 1}, {"name", "moe"}};
  t["tensors"] = {{{"name", "x"}, {"shape", {4, 8}}, {"kind", "input"}},
                  {{"name", "idx"}, {"shape", {4, 1}}, {"kind", "input"}},
                  {{"name", "e0"}, {"shape", {counts[0].is_number_integer() ? counts[0].get<int64_t>() : 2, 8}}},
                  {{"name", "e1"}, {"shape", {counts[1].is_number_integer() ? counts[1].get<int64_t>() : 2, 8}}}};
  Json attrs = {{"tokens_per_expert", counts}};
  if (!dropped.is_null()) attrs["dropped_tokens"] = dropped;
  t["ops"] = {{{"name", "dispatch"}, {"type", "moe_dispatch"}, {"inputs", {"x", "idx"}}, {"outputs", {"e0", "e1"}},
               {"attrs", attrs}}};
  return t;
}

std::string parse_error(const Json& trace) {
  try {
    parse_trace(trace, "t.json");
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

bool mentions(const std::string& message, const std::string& part) {
  INFO(message);
  return message.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("a matmul with K = 0 or a conv with no channels is refused at validation", "[trace][limits]") {
  // Before: validate passed and run died with SIGFPE in the mapper's tile arithmetic.
  CHECK(mentions(parse_error(matmul_trace({16, 0}, {0, 16}, {16, 16})), "t.json: /ops/0: (mm) matmul inner dimension must be at least 1"));
  Json conv = {{"format", "tessera-trace"}, {"version", 1}, {"name", "c"}};
  conv["tensors"] = {{{"name", "x"}, {"shape", {1, 0, 8, 8}}, {"kind", "input"}},
                     {{"name", "w"}, {"shape", {8, 0, 3, 3}}, {"kind", "weight"}},
                     {{"name", "y"}, {"shape", {1, 8, 6, 6}}}};
  conv["ops"] = {{{"name", "conv"}, {"type", "conv2d"}, {"inputs", {"x", "w"}}, {"outputs", {"y"}}}};
  CHECK(mentions(parse_error(conv), "(conv) conv input and weight must have channels"));
  // An expert with no tokens (M = 0) is still fine: it does no work.
  CHECK(parse_error(matmul_trace({0, 16}, {16, 16}, {0, 16})) == "no error");
}

TEST_CASE("tensor sizes and MACs are checked instead of wrapping", "[trace][limits]") {
  // Before: 2^40-element dimensions reported 0 MACs and 0 cycles; 10^12 elements exhausted memory.
  const int64_t big = int64_t(1) << 40;
  CHECK(mentions(parse_error(matmul_trace({big, big}, {big, big}, {big, big})),
                 "/tensors/0/shape: expected an array of integers in [0, 2^32]"));
  CHECK(mentions(parse_error(matmul_trace({1000000, 1000000}, {1000000, 16}, {1000000, 16})), "at most 2^32 elements"));
  CHECK(mentions(parse_error(matmul_trace({Json(uint64_t(1) << 63), 2}, {2, 2}, {2, 2})), "/tensors/0/shape: expected an array of integers"));
  // Every tensor within bounds, but 2^32 outputs of a 2^15 x 2^15 kernel are 2^62 MACs (padding makes the
  // one-pixel input cover the output).
  Json conv = {{"format", "tessera-trace"}, {"version", 1}, {"name", "c"}};
  conv["tensors"] = {{{"name", "x"}, {"shape", {1, 1, 1, 1}}, {"kind", "input"}},
                     {{"name", "w"}, {"shape", {1, 1, 32768, 32768}}, {"kind", "weight"}},
                     {{"name", "y"}, {"shape", {1, 1, 65536, 65536}}}};
  conv["ops"] = {{{"name", "conv"}, {"type", "conv2d"}, {"inputs", {"x", "w"}}, {"outputs", {"y"}},
                  {"attrs", {{"padding", {49151, 49151}}}}}};
  CHECK(mentions(parse_error(conv), "(conv) conv MACs exceeds 2^50"));
  // Just inside: 2^16 x 2^16 x 2^16 = 2^48 MACs, counted exactly.
  const Graph g = parse_trace(matmul_trace({65536, 65536}, {65536, 256}, {65536, 256}), "t.json");
  CHECK(op_macs(g, g.ops[0]) == int64_t(65536) * 65536 * 256);
}

TEST_CASE("trace keys and attributes are checked for type and range", "[trace][limits]") {
  Json t = matmul_trace({4, 4}, {4, 4}, {4, 4});
  t["bogus"] = 1;  // the docs say unknown keys are refused; before, this one was ignored
  CHECK(parse_error(t) == "t.json: /bogus: unknown key (check the spelling; see docs/trace-format.md)");
  t = matmul_trace({4, 4}, {4, 4}, {4, 4});
  t["version"] = uint64_t(4294967297);  // before: truncated to int and read as 1
  CHECK(mentions(parse_error(t), "t.json: /version: expected trace format version 1 or 2, got 4294967297"));
  // Before: exit 1 (an uncaught type error in nlohmann) instead of a message.
  CHECK(mentions(parse_error(matmul_trace({4, 4}, {4, 4}, {4, 4}, {{"transpose_b", "yes"}})),
                 "attribute \"transpose_b\" must be true or false, got \"yes\""));
  CHECK(mentions(parse_error(pool_trace({5, 5}, {1, 4, 1, 1})), "(pool) pool kernel [5,5] is larger than the padded input"));
  CHECK(mentions(parse_error(pool_trace({1.5, 1}, {1, 4, 3, 3})), "attribute \"kernel\" must be a positive integer"));

  Json norm = {{"format", "tessera-trace"}, {"version", 1}, {"name", "n"}};
  norm["tensors"] = {{{"name", "x"}, {"shape", {4, 8}}, {"kind", "input"}}, {{"name", "y"}, {"shape", {4, 8}}}};
  norm["ops"] = {{{"name", "ln"}, {"type", "layernorm"}, {"inputs", {"x"}}, {"outputs", {"y"}}, {"attrs", {{"epsilon", "x"}}}}};
  CHECK(mentions(parse_error(norm), "(ln) attribute \"epsilon\" must be a number in [0, 1], got \"x\""));
}

TEST_CASE("MoE token counts must be whole, non-negative and add up to tokens x k", "[trace][limits]") {
  CHECK(parse_error(moe_trace({3, 1}, Json())) == "no error");
  CHECK(parse_error(moe_trace({2, 1}, 1)) == "no error");
  CHECK(mentions(parse_error(moe_trace({3, 1}, -3)), "attribute \"dropped_tokens\" must be a non-negative integer"));
  CHECK(mentions(parse_error(moe_trace({2.5, 1.5}, Json())), "attribute \"tokens_per_expert\" must be a non-negative integer"));
  CHECK(mentions(parse_error(moe_trace({4, 3}, Json())), "must equal tokens x k = 4 x 1 = 4"));
}

TEST_CASE("a cycle error names ops on the cycle", "[trace][limits]") {
  // a -> b -> c -> b: c is downstream of a and on the cycle with b; d hangs off the cycle. Before, the
  // message named the first op still waiting, which could be d (downstream, not on the cycle).
  Json t = {{"format", "tessera-trace"}, {"version", 1}, {"name", "cyc"}};
  t["tensors"] = {{{"name", "x"}, {"shape", {4, 4}}, {"kind", "input"}}, {{"name", "tb"}, {"shape", {4, 4}}},
                  {{"name", "tc"}, {"shape", {4, 4}}}, {{"name", "td"}, {"shape", {4, 4}}}};
  t["ops"] = {{{"name", "d"}, {"type", "relu"}, {"inputs", {"tc"}}, {"outputs", {"td"}}},
              {{"name", "b"}, {"type", "add"}, {"inputs", {"x", "tc"}}, {"outputs", {"tb"}}},
              {{"name", "c"}, {"type", "relu"}, {"inputs", {"tb"}}, {"outputs", {"tc"}}}};
  const std::string e = parse_error(t);
  CHECK(mentions(e, "expected an acyclic graph"));
  CHECK(mentions(e, "b -> c -> b"));
  CHECK_FALSE(mentions(e, "(d)"));
}

TEST_CASE("deep nesting, huge numbers and bad sizes in a trace file exit 2", "[trace][limits][cli]") {
  const std::string dir = test::fresh_temp_dir("trace");
  // Before: SIGSEGV in the recursive parser (100,000 nested arrays).
  test::write_text(dir + "/deep.json", "{\"format\": \"tessera-trace\", \"metadata\": " + std::string(100000, '[') +
                                           std::string(100000, ']') + "}");
  auto r = test::run_tessera("validate --trace " + dir + "/deep.json");
  CHECK(r.exit_code == 2);
  CHECK(mentions(r.err, dir + "/deep.json: JSON nested deeper than 64 levels at line 1"));
  // Before: exit 1 (nlohmann's out_of_range escaped as an internal error).
  test::write_text(dir + "/huge.json", "{\"format\": \"tessera-trace\", \"version\": 1e400}");
  r = test::run_tessera("validate --trace " + dir + "/huge.json");
  CHECK(r.exit_code == 2);
  CHECK(mentions(r.err, dir + "/huge.json: unreadable JSON"));
}
