// An op cut out of a tt-metal profile keeps its inputs where the op before it left them: a trace input the
// trace puts in L1 shards starts on the shards' cores, and an output it keeps in L1 stays there. A
// sharded add then moves no byte through DRAM, and each core unpacks its own two shards (which it holds,
// so no transfer stands in for the read).
#include <catch2/catch.hpp>

#include <string>

#include <nlohmann/json.hpp>

#include "tests/support/cli.h"

using tessera::test::run_tessera;

namespace {

// An image [1, 32, 64, 64] held channels-last as [4096, 32], in 4 height shards of [1024, 32] (32 tiles).
std::string sharded_add_trace(const std::string& buffer) {
  const std::string memory = buffer == "l1"
                                 ? R"({"buffer": "l1", "layout": "height_sharded", "shard_grid": [[0, 0, 3, 0]],
                                     "shard_shape": [1024, 32], "orientation": "row_major"})"
                                 : R"({"buffer": "dram", "layout": "interleaved"})";
  auto tensor = [&](const std::string& name, const std::string& kind) {
    return R"({"name": ")" + name + R"(", "shape": [1, 32, 64, 64], )" + kind +
           R"("format": "bf16", "layout": "tile", "device_shape": [1, 1, 4096, 32], "memory": )" + memory + "}";
  };
  return R"({"format": "tessera-trace", "version": 2, "name": "sharded_add", "tensors": [)" +
         tensor("a", R"("kind": "input", )") + ", " + tensor("b", R"("kind": "input", )") + ", " + tensor("y", "") +
         R"(], "ops": [{"name": "add", "type": "add", "inputs": ["a", "b"], "outputs": ["y"], "cores": 4}]})";
}

nlohmann::json run_add(const std::string& buffer, const std::string& extra = "") {
  const std::string dir = tessera::test::fresh_temp_dir("sharded_inputs_" + buffer);
  tessera::test::write_text(dir + "/t.json", sharded_add_trace(buffer));
  const auto r = run_tessera("run --config configs/toy_4x4.json --trace " + dir +
                             "/t.json --set noc.model=ideal --set mapper.schedule=op_by_op"
                             " --set core.unpack_bytes_per_cycle=1 --json --quiet" + extra);
  REQUIRE(r.exit_code == 0);
  return nlohmann::json::parse(r.out);
}

double dram_bytes(const nlohmann::json& report) {
  double total = 0;
  for (const auto& [channel, s] : report["stats"]["dram"].items())
    if (channel != "all") total += s["bytes_read"]["value"].get<double>() + s["bytes_written"]["value"].get<double>();
  return total;
}

}  // namespace

TEST_CASE("L1-sharded trace inputs start in their shards and are unpacked where they are", "[chip][timing]") {
  const auto l1 = run_add("l1");
  REQUIRE(l1["ops"][0]["cores"].get<int>() == 4);
  // Nothing goes through DRAM: the inputs are in L1 and the output stays there.
  CHECK(dram_bytes(l1) == 0);
  // Each core unpacks its two 32-tile shards, 2 x 32 x 2048 B, at 1 B/cycle: that is the op's time (the
  // math and packs overlap it).
  const double unpack = 2.0 * 32 * 2048;
  const double cycles = l1["ops"][0]["cycles"].get<double>();
  CHECK(cycles >= unpack);
  CHECK(cycles <= unpack * 1.05);

  // The same add with DRAM tensors reads both inputs and writes the output: 3 x 4096 x 32 x 2 B.
  const auto dram = run_add("dram");
  CHECK(dram_bytes(dram) == Approx(3.0 * 4096 * 32 * 2).epsilon(0.001));
}

TEST_CASE("an L1-sharded trace input that does not fit beside its op goes out through DRAM", "[chip][timing]") {
  // In 240 KiB a core's two 64 KiB input shards do not fit beside the add's own buffers (the unstaged run
  // peaks at 320 KiB): the SRAM check sends the inputs through DRAM, written out by the add's own program,
  // as they have no producer op (this once wrote its DRAM traffic to op -1).
  const auto staged = run_add("l1", " --set core.sram_kib=240");
  CHECK(dram_bytes(staged) > 0);
  CHECK(staged["ops"][0]["spilled_bytes"].get<double>() > 0);
}
