// A permute that only moves size-1 dimensions around the two real ones is a matrix transpose: tt-metal's
// OFT front end permutes [1, 1, R, 9] by [0, 3, 1, 2] to [1, 9, 1, R], the same elements as the 9 x R
// transpose of the R x 9 input. Its output columns (input rows) split over the cores like any transpose's;
// moved as whole output rows instead, every row would land on one core.
#include <catch2/catch.hpp>

#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/support/cli.h"

using tessera::test::run_tessera;

TEST_CASE("a permute that swaps the only two dimensions larger than 1 splits its columns as a transpose",
          "[chip][mapper][op_by_op]") {
  // [1, 1, 2048, 9] -> [1, 9, 1, 2048] on 16 cores.
  const std::string trace = R"({"format": "tessera-trace", "version": 2, "name": "perm",
    "tensors": [{"name": "x", "shape": [1, 1, 2048, 9], "kind": "input", "format": "bf16", "layout": "row_major"},
                {"name": "y", "shape": [1, 9, 1, 2048], "format": "bf16", "layout": "row_major"}],
    "ops": [{"name": "p", "type": "transpose", "inputs": ["x"], "outputs": ["y"], "cores": 16,
             "attrs": {"perm": [0, 3, 1, 2]}}]})";
  const std::string dir = tessera::test::fresh_temp_dir("permute_split");
  tessera::test::write_text(dir + "/perm.json", trace);
  const auto r = run_tessera("run --config configs/toy_4x4.json --trace " + dir +
                             "/perm.json --set noc.model=ideal --set mapper.schedule=op_by_op --dump-plan " + dir +
                             "/plan.json --quiet");
  REQUIRE(r.exit_code == 0);
  std::ifstream in(dir + "/plan.json");
  const auto plan = nlohmann::json::parse(in);
  const auto& op = plan["ops"][0];
  // The 9 x 2048 output is one tile row of 64 tile columns: 4 columns (128 input rows) on each core.
  CHECK(op["cores"].get<int>() == 16);
  CHECK(op["grid"][0].get<int>() == 1);
  CHECK(op["grid"][1].get<int>() == 16);
  int cores_with_work = 0;
  for (const auto& core : plan["cores"]) {
    int64_t moved = 0, written = 0, read = 0;
    for (const auto& rd : core["reader"]) {
      read += rd["bytes"].get<int64_t>();
      // tt-metal's blocked generic permute reads 32 input rows (whole 9-element rows) per barrier.
      CHECK(rd["pages_per_barrier"].get<int>() == 32);
      CHECK(rd["page_bytes"].get<int>() == 9 * 2);
    }
    for (const auto& k : core["compute"])
      if (k.contains("reshape") && k["reshape"].is_object() && k["reshape"]["kind"] == "transpose") moved += k["reshape"]["bytes"].get<int64_t>();
    for (const auto& w : core["writer"]) written += w["bytes"].get<int64_t>();
    if (moved == 0) continue;
    ++cores_with_work;
    INFO("core " << core["pos"].dump());
    CHECK(moved == 4 * 2048);       // four 32 x 32 bf16 tiles through the transpose
    CHECK(read == 128 * 9 * 2);     // its own 128 input rows of 9 bf16, not a sliver of every row
    CHECK(written == 9 * 128 * 2);  // its 9 rows x 128 columns of bf16, row-major
  }
  CHECK(cores_with_work == 16);
}
