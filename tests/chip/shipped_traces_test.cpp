// Every shipped workload runs end to end on every preset: exit 0, a report with one row per op and a
// positive cycle count.
#include <catch2/catch.hpp>

#include <filesystem>
#include <set>
#include <string>

#include "tests/chip/chip_run.h"
#include "tests/support/cli.h"

using namespace tessera::test;

namespace {

void check_runs(const std::string& preset, const std::string& trace) {
  const auto trace_json = nlohmann::json::parse(read_text(TESSERA_SOURCE_DIR "/" + trace));
  const auto r = run_report("configs/" + preset + ".json", trace);
  CHECK(r["total_cycles"].get<uint64_t>() > 0);
  CHECK(r["ops"].size() == trace_json["ops"].size());
  CHECK(r["compute_cores"].get<int>() > 0);
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

TEST_CASE("the preset and trace lists above cover configs/ and traces/", "[chip][presets]") {
  // A new preset or shipped trace must be added to the lists here and in sram_capacity_test.cpp.
  const std::set<std::string> presets{"wormhole_n150", "blackhole_p150", "blackhole_p100", "grayskull_e150",
                                     "toy_4x4"};
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
