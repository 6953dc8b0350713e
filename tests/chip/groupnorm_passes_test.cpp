// Group norm goes over each tile row once per group (tt-metal's group norm kernel masks the tiles to the
// group, then reduces and normalises them), so its unpackers read 13 tiles per visit: the work grows with
// the number of groups, which a layernorm-like model (one pass per tile) does not see. Checked with the
// unpackers slowed to 1 B/cycle, where their bytes are the op's time.
#include <catch2/catch.hpp>

#include <string>

#include <nlohmann/json.hpp>

#include "tests/support/cli.h"

using tessera::test::run_tessera;

namespace {

double groupnorm_cycles(int groups) {
  // [1024, 64] bf16 on one core: 32 tile rows of 2 tiles; gamma and beta of 64 channels.
  const std::string trace = R"({"format": "tessera-trace", "version": 2, "name": "gn",
    "tensors": [{"name": "x", "shape": [1024, 64], "kind": "input", "format": "bf16"},
                {"name": "g", "shape": [64], "kind": "weight", "format": "bf16"},
                {"name": "b", "shape": [64], "kind": "weight", "format": "bf16"},
                {"name": "y", "shape": [1024, 64], "format": "bf16"}],
    "ops": [{"name": "gn", "type": "groupnorm", "inputs": ["x", "g", "b"], "outputs": ["y"], "cores": 1,
             "attrs": {"groups": )" + std::to_string(groups) + R"(, "epsilon": 1e-5}}]})";
  const std::string dir = tessera::test::fresh_temp_dir("groupnorm_passes_" + std::to_string(groups));
  tessera::test::write_text(dir + "/gn.json", trace);
  const auto r = run_tessera("run --config configs/toy_4x4.json --trace " + dir +
                             "/gn.json --set noc.model=ideal --set mapper.schedule=op_by_op"
                             " --set core.unpack_bytes_per_cycle=1 --json --quiet");
  REQUIRE(r.exit_code == 0);
  const auto report = nlohmann::json::parse(r.out);
  REQUIRE(report["ops"][0]["cores"].get<int>() == 1);
  return report["ops"][0]["cycles"].get<double>();
}

}  // namespace

TEST_CASE("a group norm's unpackers go over every tile row once per group", "[chip][timing]") {
  for (int groups : {2, 16}) {
    // Each group of 32 or 4 channels lies in one tile: 32 tile rows x groups visits of 13 tiles, then gamma
    // and beta (two tiles each per tile, 64 tiles), the input's own read (64 tiles), and gamma and beta
    // themselves (one tile each), at 2048 B a tile and 1 B/cycle.
    const double visits = 32.0 * groups;
    const double unpack = (13 * visits + 4 * 64 + 2) * 2048;
    const double cycles = groupnorm_cycles(groups);
    INFO("groups " << groups);
    CHECK(cycles >= unpack);
    CHECK(cycles <= unpack * 1.05);
  }
}
