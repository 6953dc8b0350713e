// Layernorm's passes through L1: tt-metal's kernel unpacks x twice and each intermediate (x - mean twice
// for the square, then the square, x - mean, x_hat, the gamma product once each) and packs four of them,
// so the unpackers read 8 tiles per output tile, not 1. Checked with the unpackers slowed to 1 B/cycle,
// where their bytes are the run's time: a model that left the intermediates out would take an eighth.
#include <catch2/catch.hpp>

#include <string>

#include <nlohmann/json.hpp>

#include "tests/support/cli.h"

using tessera::test::run_tessera;

TEST_CASE("a layernorm's unpackers read x twice and every intermediate pass", "[chip][timing]") {
  // One row block of [32, 1024] bf16 on one core: 32 output tiles of 2048 B, gamma and beta 2048 B each.
  const std::string trace = R"({"format": "tessera-trace", "version": 2, "name": "ln",
    "tensors": [{"name": "x", "shape": [32, 1024], "kind": "input", "format": "bf16"},
                {"name": "g", "shape": [1024], "kind": "weight", "format": "bf16"},
                {"name": "b", "shape": [1024], "kind": "weight", "format": "bf16"},
                {"name": "y", "shape": [32, 1024], "format": "bf16"}],
    "ops": [{"name": "ln", "type": "layernorm", "inputs": ["x", "g", "b"], "outputs": ["y"], "cores": 1,
             "attrs": {"axis": -1, "epsilon": 1e-5}}]})";
  const std::string dir = tessera::test::fresh_temp_dir("layernorm_passes");
  tessera::test::write_text(dir + "/ln.json", trace);
  const auto r = run_tessera("run --config configs/toy_4x4.json --trace " + dir +
                             "/ln.json --set noc.model=ideal --set mapper.schedule=op_by_op"
                             " --set core.unpack_bytes_per_cycle=1 --json --quiet");
  REQUIRE(r.exit_code == 0);
  const auto report = nlohmann::json::parse(r.out);
  REQUIRE(report["ops"][0]["cores"].get<int>() == 1);
  // 8 reads of 32 tiles x 2048 B, plus gamma and beta, at 1 B/cycle; the reads, math and packs of the
  // op (a few thousand cycles) add at most a few percent.
  const double unpack = 8.0 * 32 * 2048 + 2 * 2048;
  const double cycles = report["ops"][0]["cycles"].get<double>();
  CHECK(cycles >= unpack);
  CHECK(cycles <= unpack * 1.05);
}
