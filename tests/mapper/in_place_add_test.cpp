// Op by op under tt_metal_cnn, a residual add whose input is read by nobody after it writes the sum over
// that input (ttnn.add_), so at the add a core holds the two inputs' shares and no third buffer.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "sim/config/config_loader.h"
#include "sim/mapper/mapper.h"
#include "sim/workload/trace_reader.h"

using namespace tessera;

namespace {

// x -> conv a -> y1 -> conv b -> y2; add(y2, y1) -> z; with `reread`, convs c and d read y2 and y1 after
// the add.
Plan residual(bool reread) {
  auto conv = [](const char* name, const char* in, const char* w, const char* out) {
    return nlohmann::json{{"name", name}, {"type", "conv2d"}, {"inputs", {in, w}}, {"outputs", {out}},
                          {"attrs", {{"kernel", {1, 1}}, {"stride", {1, 1}}, {"padding", {0, 0}}}}};
  };
  nlohmann::json tensors = {{{"name", "x"}, {"shape", {1, 64, 32, 32}}, {"kind", "input"}},
                            {{"name", "wa"}, {"shape", {64, 64, 1, 1}}, {"kind", "weight"}},
                            {{"name", "wb"}, {"shape", {64, 64, 1, 1}}, {"kind", "weight"}},
                            {{"name", "y1"}, {"shape", {1, 64, 32, 32}}},
                            {{"name", "y2"}, {"shape", {1, 64, 32, 32}}},
                            {{"name", "z"}, {"shape", {1, 64, 32, 32}}}};
  nlohmann::json ops = {conv("a", "x", "wa", "y1"), conv("b", "y1", "wb", "y2"),
                        {{"name", "add"}, {"type", "add"}, {"inputs", {"y2", "y1"}}, {"outputs", {"z"}}}};
  if (reread) {
    tensors.push_back({{"name", "wc"}, {"shape", {64, 64, 1, 1}}, {"kind", "weight"}});
    tensors.push_back({{"name", "u"}, {"shape", {1, 64, 32, 32}}});
    tensors.push_back({{"name", "wd"}, {"shape", {64, 64, 1, 1}}, {"kind", "weight"}});
    tensors.push_back({{"name", "v"}, {"shape", {1, 64, 32, 32}}});
    ops.push_back(conv("c", "y2", "wc", "u"));
    ops.push_back(conv("d", "y1", "wd", "v"));
  }
  const nlohmann::json t = {{"format", "tessera-trace"}, {"version", 2}, {"name", "residual"},
                            {"tensors", tensors}, {"ops", ops}};
  const ArchConfig config = load_arch_config(TESSERA_SOURCE_DIR "/configs/wormhole_n150.json", {"mapper.schedule=op_by_op"});
  return map_graph(config, parse_trace(t, "residual.json"));
}

}  // namespace

TEST_CASE("a residual add whose input nobody reads again writes over it", "[mapper]") {
  for (bool reread : {false, true}) {
    const Plan plan = residual(reread);
    const OpPlan& add = plan.ops[2];
    REQUIRE(add.name == "add");
    REQUIRE(add.cores > 0);
    // 1024 pixels x 64 channels: 64 tiles, the same share of each tensor on each of the add's cores.
    REQUIRE(64 % add.cores == 0);
    const uint64_t share = uint64_t(64 / add.cores) * tile_bytes(add.format);
    INFO("y1 and y2 read again: " << reread << ", cores " << add.cores);
    // In place: y1's and y2's shares; otherwise the sum's own buffer beside them.
    CHECK(add.sram_peak_bytes == (reread ? 3 : 2) * share);
  }
}
