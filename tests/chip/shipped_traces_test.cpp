// Every shipped workload runs end to end on every preset: exit 0, a report with one row per op, and a
// cycle count no better than two closed-form bounds: the compute bound (the MACs the cores execute over
// cores x peak MACs per cycle, one 32x32x32 tile per LoFi matmul_cycles_per_tile) and the DRAM bound
// (the bytes the channels moved over channels x bytes per cycle). The exact figures of small runs are
// pinned by the golden suite (tests/golden/).
#include <catch2/catch.hpp>

#include <filesystem>
#include <set>
#include <string>

#include "sim/config/config_loader.h"
#include "tests/chip/chip_run.h"
#include "tests/support/cli.h"

using namespace tessera::test;

namespace {

void check_runs(const std::string& preset, const std::string& trace) {
  const auto trace_json = nlohmann::json::parse(read_text(TESSERA_SOURCE_DIR "/" + trace));
  const auto r = run_report("configs/" + preset + ".json", trace);
  const double cycles = r["total_cycles"].get<double>();
  CHECK(cycles > 0);
  CHECK(r["ops"].size() == trace_json["ops"].size());
  const int cores = r["compute_cores"].get<int>();
  REQUIRE(cores > 0);
  const tessera::ArchConfig config = tessera::load_arch_config(TESSERA_SOURCE_DIR "/configs/" + preset + ".json");
  const double peak_macs_per_cycle = 32.0 * 32 * 32 / config.core.matmul_cycles_per_tile[0];
  double executed = 0;
  for (const auto& op : r["ops"]) executed += op["executed_macs"].get<double>();
  INFO("executed MACs " << executed << " on " << cores << " cores at " << peak_macs_per_cycle << " MACs/cycle");
  CHECK(cycles >= executed / (cores * peak_macs_per_cycle));
  const double dram_bytes = dram_total(r, "bytes_read") + dram_total(r, "bytes_written");
  const double channels = double(config.dram.positions.size());
  INFO("DRAM bytes " << dram_bytes << " on " << channels << " channels at " << config.dram_bytes_per_cycle() << " B/cycle");
  CHECK(dram_bytes > 0);
  CHECK(cycles >= dram_bytes / (channels * config.dram_bytes_per_cycle()));
}

}  // namespace

#define SHIPPED_TRACE_RUNS(preset, trace)                                                           \
  TEST_CASE("shipped trace " trace " runs on " preset, "[chip][presets][e2e]") {                  \
    check_runs(preset, "traces/" trace ".json");                                                   \
  }

#define ON_ALL_PRESETS(trace)                  \
  SHIPPED_TRACE_RUNS("wormhole_n150", trace)   \
  SHIPPED_TRACE_RUNS("blackhole_p150", trace)  \
  SHIPPED_TRACE_RUNS("grayskull_e150", trace)  \
  SHIPPED_TRACE_RUNS("toy_4x4", trace)

ON_ALL_PRESETS("gemm_1024")
ON_ALL_PRESETS("switch_moe_64")
ON_ALL_PRESETS("mixtral_moe_128")
ON_ALL_PRESETS("yolov6n_640")
ON_ALL_PRESETS("yolov6s_640")
ON_ALL_PRESETS("yolov6_tiny_640")
// YOLOv6 3.0: m and l are the largest shipped traces, about 1.5-4 s a run each (docs/workloads.md).
ON_ALL_PRESETS("yolov6_v3_n_640")
ON_ALL_PRESETS("yolov6_v3_s_640")
ON_ALL_PRESETS("yolov6_v3_m_640")
ON_ALL_PRESETS("yolov6_v3_l_640")
// The p100 differs from the p150 only in its DRAM (7 banks): a DRAM-bound and a conv workload suffice.
SHIPPED_TRACE_RUNS("blackhole_p100", "gemm_1024")
SHIPPED_TRACE_RUNS("blackhole_p100", "yolov6n_640")
// The Galaxy preset is the p150 with more cores and the Galaxy's power limits; its GEMM at 4096 runs in
// tests/report/power_calibration_test.cpp.
SHIPPED_TRACE_RUNS("blackhole_galaxy", "gemm_1024")

TEST_CASE("the preset and trace lists above cover configs/ and traces/", "[chip][presets]") {
  // A new preset or shipped trace must be added to the lists here and in sram_capacity_test.cpp.
  const std::set<std::string> presets{"wormhole_n150", "blackhole_p150", "blackhole_p100", "blackhole_galaxy",
                                     "grayskull_e150", "toy_4x4"};
  const std::set<std::string> traces{"gemm_1024",       "switch_moe_64",   "mixtral_moe_128", "yolov6n_640",
                                     "yolov6s_640",     "yolov6_tiny_640", "yolov6_v3_n_640", "yolov6_v3_s_640",
                                     "yolov6_v3_m_640", "yolov6_v3_l_640"};
  auto stems = [](const std::string& dir) {
    std::set<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(std::string(TESSERA_SOURCE_DIR) + "/" + dir))
      if (e.path().extension() == ".json") out.insert(e.path().stem().string());
    return out;
  };
  CHECK(stems("configs") == presets);
  CHECK(stems("traces") == traces);
}
