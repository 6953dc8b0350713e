// How lower_matrix blocks a matmul: a share whose resident operands alone overflow SRAM keeps its
// largest blocks in the mapping attempt that finds the overflow (that attempt is refitted or refused,
// never run), instead of one compute command per output tile and K tile.
#include <catch2/catch.hpp>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "sim/config/config_loader.h"
#include "sim/mapper/mapper.h"
#include "sim/workload/trace_reader.h"

using namespace tessera;

namespace {

// relu(x) [m, k] (an activation held on the cores) times w [k, n].
Graph relu_matmul(int64_t m, int64_t k, int64_t n) {
  nlohmann::json t = {{"format", "tessera-trace"}, {"version", 1}, {"name", "mm"},
                      {"tensors", {{{"name", "x"}, {"shape", {m, k}}, {"kind", "input"}},
                                   {{"name", "a"}, {"shape", {m, k}}},
                                   {{"name", "w"}, {"shape", {k, n}}, {"kind", "weight"}},
                                   {{"name", "y"}, {"shape", {m, n}}}}},
                      {"ops", {{{"name", "relu"}, {"type", "relu"}, {"inputs", {"x"}}, {"outputs", {"a"}}},
                               {{"name", "mm"}, {"type", "matmul"}, {"inputs", {"a", "w"}}, {"outputs", {"y"}}}}}};
  return parse_trace(t, "mm.json");
}

struct Blocks {
  uint64_t commands = 0, tile_products = 0;
};

// The matmul's (op 1's) compute commands.
Blocks blocks_of(const Plan& plan) {
  Blocks b;
  for (const CoreProgram& c : plan.cores)
    for (const ComputeCmd& k : c.compute) {
      if (k.op != 1) continue;
      ++b.commands;
      b.tile_products += k.math.m_tiles * k.math.n_tiles * k.math.k_tiles * k.math.batches;
    }
  return b;
}

}  // namespace

TEST_CASE("a matmul whose resident A overflows SRAM keeps 8x8-tile blocks in the attempt that finds it",
          "[mapper][sram]") {
  const ArchConfig config = load_arch_config(TESSERA_SOURCE_DIR "/configs/wormhole_n150.json");
  // 2048 x 64 tiles of A (256 MiB of bf16) against one column of output tiles: on at most 64 cores each
  // holds at least 32 rows of A tiles, 4 MiB, beyond its 1464 KiB.
  const int64_t m_t = 2048, k_t = 64, n_t = 1;
  const Graph g = relu_matmul(m_t * 32, k_t * 32, n_t * 32);
  const MappingAttempt first = map_once(config, g, SramDecisions{});
  const Blocks b = blocks_of(first.plan);
  int cores = 0;
  for (const CoreProgram& c : first.plan.cores)
    cores += std::any_of(c.compute.begin(), c.compute.end(), [](const ComputeCmd& k) { return k.op == 1; });
  // Every output tile's K products once: m_t * n_t * k_t.
  CHECK(b.tile_products == uint64_t(m_t * n_t * k_t));
  // Blocks of up to 8 tile rows and 8 K tiles: at most ceil(rows/8) row blocks a core (rows/8 + 1 summed
  // over the cores) times k_t / 8 K chunks. Blocks of one tile each would be m_t * k_t = 131,072.
  CHECK(b.commands <= uint64_t((m_t / 8 + cores) * (k_t / 8)));
}
