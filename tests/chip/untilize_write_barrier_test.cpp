// Op by op, an untilize to DRAM writes its row-major output stick by stick as tt-metal's writers do:
// untilize_with_unpadding (the tiled input's padding holds more than the output) waits for each stick's
// write to be acknowledged, the plain untilize once per block of 32 sticks (a tile's height). The plan
// says so on every DRAM write of the op (SendCmd::pages_per_barrier), in pages of one output row.
#include <catch2/catch.hpp>

#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/support/cli.h"

using tessera::test::run_tessera;

namespace {

// The writer commands of an untilize of a bf16 tensor of `shape` whose tiled input the device holds as
// `device_shape`.
std::vector<nlohmann::json> dram_writes(const std::string& name, const std::string& shape, const std::string& device_shape) {
  const std::string trace = R"({"format": "tessera-trace", "version": 2, "name": "u",
    "tensors": [{"name": "x", "shape": )" + shape + R"(, "kind": "input", "format": "bf16", "layout": "tile",
                 "device_shape": )" + device_shape + R"(, "memory": {"buffer": "dram", "layout": "interleaved"}},
                {"name": "y", "shape": )" + shape + R"(, "format": "bf16", "layout": "row_major",
                 "memory": {"buffer": "dram", "layout": "interleaved"}}],
    "ops": [{"name": "u", "type": "untilize", "inputs": ["x"], "outputs": ["y"], "cores": 2}]})";
  const std::string dir = tessera::test::fresh_temp_dir(name);
  tessera::test::write_text(dir + "/u.json", trace);
  const auto r = run_tessera("run --config configs/toy_4x4.json --trace " + dir +
                             "/u.json --set noc.model=ideal --set mapper.schedule=op_by_op --dump-plan " + dir +
                             "/plan.json --quiet");
  REQUIRE(r.exit_code == 0);
  std::ifstream in(dir + "/plan.json");
  const auto plan = nlohmann::json::parse(in);
  std::vector<nlohmann::json> writes;
  for (const auto& core : plan["cores"])
    for (const auto& w : core["writer"]) writes.push_back(w);
  return writes;
}

}  // namespace

TEST_CASE("an untilize that drops tile padding waits for every stick's write", "[chip][mapper][op_by_op]") {
  // 40 rows padded to 64, 8 columns padded to 32: untilize_with_unpadding.
  const auto writes = dram_writes("untilize_unpad", "[1, 1, 40, 8]", "[1, 1, 64, 32]");
  REQUIRE(!writes.empty());
  int64_t bytes = 0;
  for (const auto& w : writes) {
    CHECK(w["pages_per_barrier"].get<int>() == 1);
    CHECK(w["page_bytes"].get<int>() == 8 * 2);  // one output row of 8 bf16
    bytes += w["bytes"].get<int64_t>();
  }
  CHECK(bytes == 40 * 8 * 2);
}

TEST_CASE("an untilize without padding to drop waits once per 32 sticks", "[chip][mapper][op_by_op]") {
  const auto writes = dram_writes("untilize_plain", "[1, 1, 64, 32]", "[1, 1, 64, 32]");
  REQUIRE(!writes.empty());
  for (const auto& w : writes) CHECK(w["pages_per_barrier"].get<int>() == 32);
}
