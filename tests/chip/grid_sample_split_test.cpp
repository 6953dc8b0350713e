// tt-metal's grid sample gives each core a run of output points and samples every channel of them (whole
// sticks), so each core reads the grid rows of its own points. Split by channels instead, cores would share
// grid rows, each reading them for a quarter of the channels: the grid's row reads (a round trip each)
// would then fall on a quarter of the cores.
#include <catch2/catch.hpp>

#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/support/cli.h"

using tessera::test::run_tessera;

TEST_CASE("grid sample splits its output points over the cores, never its channels", "[chip][mapper]") {
  // 256 channels of a 16x16 image sampled at 1x4096 points with a precomputed grid, on 4 cores.
  const std::string trace = R"({"format": "tessera-trace", "version": 2, "name": "gs",
    "tensors": [{"name": "x", "shape": [1, 256, 16, 16], "kind": "input", "format": "bf16", "layout": "row_major"},
                {"name": "grid", "shape": [1, 1, 4096, 6], "kind": "input", "format": "bf16", "layout": "row_major"},
                {"name": "y", "shape": [1, 256, 1, 4096], "format": "bf16", "layout": "row_major"}],
    "ops": [{"name": "gs", "type": "grid_sample", "inputs": ["x", "grid"], "outputs": ["y"], "cores": 4,
             "attrs": {"mode": "bilinear"}}]})";
  const std::string dir = tessera::test::fresh_temp_dir("grid_sample_split");
  tessera::test::write_text(dir + "/gs.json", trace);
  const auto r = run_tessera("run --config configs/toy_4x4.json --trace " + dir +
                             "/gs.json --set noc.model=ideal --set mapper.schedule=op_by_op --dump-plan " + dir +
                             "/plan.json --quiet");
  REQUIRE(r.exit_code == 0);
  std::ifstream in(dir + "/plan.json");
  const auto plan = nlohmann::json::parse(in);
  const auto& op = plan["ops"][0];
  CHECK(op["cores"].get<int>() == 4);
  // [rows, cols] of the partition: four runs of points, each with all 256 channels.
  CHECK(op["grid"][0].get<int>() == 4);
  CHECK(op["grid"][1].get<int>() == 1);
}
