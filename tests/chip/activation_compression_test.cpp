// Compression of activations sent between cores: with packet_manager.compression on, the bytes of an
// activation of density 0.1 on the NoC shrink by the ratio the packers' format gives. The ratio is
// derived here from the format as docs/core.md ("Compression") describes it, independently of the code.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "tests/chip/chip_run.h"

using namespace tessera::test;

namespace {

// Probability distribution of the datums kept in one row of `row` datums whose values are non-zero with
// probability d. The first and last datum are always kept; an inner datum is kept when it is non-zero,
// or when it is the 16th zero since the last kept datum (a 4-bit counter describes at most 15 zeros).
std::vector<double> kept_per_row(double d, int row) {
  const double q = 1.0 - d;
  // p[run][kept]: zeros since the last kept datum, datums kept so far.
  std::vector<std::vector<double>> p(16, std::vector<double>(row + 1, 0.0));
  p[0][1] = 1.0;  // the first datum
  for (int i = 2; i < row; ++i) {
    std::vector<std::vector<double>> next(16, std::vector<double>(row + 1, 0.0));
    for (int run = 0; run < 16; ++run)
      for (int kept = 0; kept < row; ++kept) {
        const double here = p[run][kept];
        if (here == 0) continue;
        next[0][kept + 1] += here * d;  // non-zero: kept
        if (run + 1 == 16) next[0][kept + 1] += here * q;  // the 16th zero: kept to continue the count
        else next[run + 1][kept] += here * q;
      }
    p = next;
  }
  std::vector<double> dist(row + 1, 0.0);
  for (int run = 0; run < 16; ++run)
    for (int kept = 0; kept < row; ++kept) dist[kept + 1] += p[run][kept];  // the last datum
  return dist;
}

// Expected bytes of a compressed bf16 32x32 tile at density d with 64-datum rows (16 rows).
double expected_bf16_tile_bytes(double d) {
  const int row = 64, rows = 1024 / row;
  const std::vector<double> one = kept_per_row(d, row);
  std::vector<double> tile{1.0};  // distribution of the tile's kept datums: 16 rows convolved
  for (int r = 0; r < rows; ++r) {
    std::vector<double> next(tile.size() + row, 0.0);
    for (size_t a = 0; a < tile.size(); ++a)
      for (size_t b = 0; b < one.size(); ++b) next[a + b] += tile[a] * one[b];
    tile = next;
  }
  double groups = 0;
  for (size_t s = 0; s < tile.size(); ++s) groups += tile[s] * std::ceil(double(s) / 32.0);
  // Header: 17 16-bit row starts = 34 B, padded to 48. bf16 has no exponent section.
  // Group of 32 kept datums: 32 x 2 B = 64 B of datums + 32 4-bit counters = 16 B -> 80 B.
  return 48.0 + 80.0 * groups;
}

// x -> mm1 -> h (density 0.1) -> mm2 -> y, 256 x 256 bf16 everywhere, LoFi.
const char* kTwoMatmuls = R"({"format": "tessera-trace", "version": 1, "name": "mm2",
  "tensors": [{"name": "x", "shape": [256, 256], "kind": "input", "format": "bf16"},
              {"name": "w1", "shape": [256, 256], "kind": "weight", "format": "bf16"},
              {"name": "w2", "shape": [256, 256], "kind": "weight", "format": "bf16"},
              {"name": "h", "shape": [256, 256], "format": "bf16", "density": 0.1},
              {"name": "y", "shape": [256, 256], "format": "bf16"}],
  "ops": [{"name": "mm1", "type": "matmul", "inputs": ["x", "w1"], "outputs": ["h"], "fidelity": "lofi"},
          {"name": "mm2", "type": "matmul", "inputs": ["h", "w2"], "outputs": ["y"], "fidelity": "lofi"}]})";

// NoC payload that is not DRAM traffic: the activation h moving between cores.
double activation_payload(const nlohmann::json& r) {
  return r["stats"]["noc"]["payload_bytes"]["value"].get<double>() - dram_total(r, "bytes_read") - dram_total(r, "bytes_written");
}

}  // namespace

TEST_CASE("the derived compression ratio matches the documented table", "[chip][compression]") {
  // docs/core.md lists bf16 ratios 4.50 at d = 0.1, 1.46 at 0.5 and 0.79 (growth) when dense.
  CHECK(2048.0 / expected_bf16_tile_bytes(0.1) == Approx(4.50).margin(0.005));
  CHECK(2048.0 / expected_bf16_tile_bytes(0.5) == Approx(1.46).margin(0.005));
  CHECK(2048.0 / expected_bf16_tile_bytes(1.0) == Approx(0.79).margin(0.005));
}

TEST_CASE("compressing a sparse activation shrinks its NoC bytes by the format's ratio", "[chip][compression]") {
  // Toy chip, 4x4 cores, ideal NoC. mm1's output h (8 x 8 tiles) splits 2 x 2 tiles per core; each mm2
  // core needs the whole row band of h, i.e. the pieces of the 3 other cores in its row, and each piece
  // (4 tiles, 8 KiB) goes to them in one multicast: 16 pieces x 8192 B = 131,072 B of h on the NoC.
  // Every other NoC byte is DRAM traffic (x, w1, w2 read, y written), the same in both runs.
  const std::string trace = temp_trace("mm2.json", kTwoMatmuls);
  const auto off = run_report("configs/toy_4x4.json", trace, "--set noc.model=ideal --set packet_manager.compression=false");
  const auto on = run_report("configs/toy_4x4.json", trace, "--set noc.model=ideal --set packet_manager.compression=true");

  CHECK(activation_payload(off) == 131072.0);
  CHECK(dram_total(on, "bytes_read") == dram_total(off, "bytes_read"));
  // Each transfer is rounded up to whole bytes: at most 16 bytes over the expectation in all.
  const double ratio = 2048.0 / expected_bf16_tile_bytes(0.1);  // about 4.50
  CHECK(activation_payload(on) == Approx(131072.0 / ratio).margin(16.0));
}

TEST_CASE("dense activations are sent uncompressed even with compression on", "[chip][compression]") {
  // At density 1 the format grows a bf16 tile (ratio 0.79 < 1), so the packet manager must not use it.
  std::string dense = kTwoMatmuls;
  dense.replace(dense.find("\"density\": 0.1"), 14, "\"density\": 1.0");
  const auto on = run_report("configs/toy_4x4.json", temp_trace("mm2_dense.json", dense),
                             "--set noc.model=ideal --set packet_manager.compression=true");
  CHECK(activation_payload(on) == 131072.0);
}
