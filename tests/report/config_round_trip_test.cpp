// report.json's "config" is the config the run used, after "extends" and --set: saved as a file and run
// again it gives the same cycles and the same energy.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "tests/support/cli.h"

using namespace tessera::test;

namespace {

nlohmann::json run_json(const std::string& args) {
  const CliResult r = run_tessera("run " + args + " --json --quiet");
  INFO("tessera run " << args << "\nstderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  return nlohmann::json::parse(r.out);
}

}  // namespace

TEST_CASE("report.json's config reproduces the run through the CLI", "[report][config][cli]") {
  // toy_4x4 extends wormhole_n150; the overrides change the timing, so a config that lost them would not
  // give the same cycles.
  const nlohmann::json first = run_json(
      "--config configs/toy_4x4.json --trace traces/gemm_1024.json --set noc.link_bytes_per_cycle=64 "
      "--set noc.model=ideal");
  REQUIRE(first.contains("config"));
  const nlohmann::json& config = first["config"];
  CHECK_FALSE(config.contains("extends"));
  CHECK(config["noc"]["link_bytes_per_cycle"] == 64);
  CHECK(config["noc"]["model"] == "ideal");
  CHECK(config["chip"]["name"] == "toy_4x4");
  CHECK(config.contains("energy"));  // from wormhole_n150

  const std::string file = fresh_temp_dir("config") + "/effective.json";
  write_text(file, config.dump(2));
  const nlohmann::json second = run_json("--config " + file + " --trace traces/gemm_1024.json");
  CHECK(second["total_cycles"] == first["total_cycles"]);
  CHECK(second["energy"]["total_pj"] == first["energy"]["total_pj"]);
  CHECK(second["config"] == config);

  // The overrides matter: without them the run differs, so the check above is not vacuous.
  const nlohmann::json plain = run_json("--config configs/toy_4x4.json --trace traces/gemm_1024.json");
  CHECK(plain["total_cycles"] != first["total_cycles"]);
}
