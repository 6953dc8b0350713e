// Op by op, a binary add of two DRAM-interleaved operands reads and writes as binary_ng's interleaved
// kernels do: the reader asks for a tile of each operand and waits once for both (the two operands on
// reader streams of their own, in flight together), the writer waits for each output tile to land.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "sim/base/data_format.h"
#include "sim/config/config_loader.h"
#include "sim/mapper/mapper.h"
#include "sim/workload/trace_reader.h"

using namespace tessera;

TEST_CASE("a DRAM add reads a tile of each operand per barrier and writes a tile per barrier", "[mapper]") {
  // [1, 1, 256, 256] in bf16: 8 x 8 = 64 tiles of 2048 bytes an operand, 64 written.
  const nlohmann::json t = {
      {"format", "tessera-trace"}, {"version", 2}, {"name", "add"},
      {"tensors", {{{"name", "a"}, {"shape", {1, 1, 256, 256}}, {"kind", "input"}},
                   {{"name", "b"}, {"shape", {1, 1, 256, 256}}, {"kind", "input"}},
                   {{"name", "c"}, {"shape", {1, 1, 256, 256}}}}},
      {"ops", {{{"name", "add"}, {"type", "add"}, {"inputs", {"a", "b"}}, {"outputs", {"c"}}}}}};
  const ArchConfig config = load_arch_config(TESSERA_SOURCE_DIR "/configs/blackhole_p150.json", {"mapper.schedule=op_by_op"});
  const Plan plan = map_graph(config, parse_trace(t, "add.json"));
  REQUIRE(plan.ops.size() == 1);
  const uint64_t tile = 2048;
  // Operand b's reads on stream 2, operand a's on the streams of whole (0) or streamed (1) operands.
  uint64_t pages_a = 0, pages_b = 0, written = 0;
  for (const CoreProgram& core : plan.cores) {
    for (const DramReadCmd& r : core.reader) {
      CHECK(r.page_bytes == tile);
      CHECK(r.pages_per_barrier == 1);
      (r.stream == 2 ? pages_b : pages_a) += r.bytes / tile;
    }
    for (const SendCmd& w : core.writer) {
      if (!w.to_dram) continue;
      CHECK(w.pages_per_barrier == 1);
      written += w.bytes / tile;
    }
  }
  CHECK(pages_a == 64);
  CHECK(pages_b == 64);
  CHECK(written == 64);
}
