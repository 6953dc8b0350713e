// SRAM is a hard limit: a workload that does not fit is either refused with a message (exit 2) naming
// the op and the bytes, or mapped so that no core ever holds more than its SRAM (spilling if it must).
// The invariant sram_peak_bytes <= sram_capacity_bytes must hold for every shipped workload and preset.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <string>

#include "tests/chip/chip_run.h"
#include "tests/support/cli.h"

using namespace tessera::test;

namespace {

const char* kGemm256 = R"({"format": "tessera-trace", "version": 1, "name": "gemm256",
  "tensors": [{"name": "a", "shape": [256, 256], "kind": "input", "format": "bf16"},
              {"name": "b", "shape": [256, 256], "kind": "weight", "format": "bf16"},
              {"name": "c", "shape": [256, 256], "format": "bf16"}],
  "ops": [{"name": "gemm", "type": "matmul", "inputs": ["a", "b"], "outputs": ["c"], "fidelity": "hifi4"}]})";

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return s;
}

// Every per-op and per-core SRAM peak of a report within the per-core capacity.
void check_within_capacity(const nlohmann::json& r) {
  const uint64_t cap = r["sram_capacity_bytes"].get<uint64_t>();
  CHECK(r["sram_peak_bytes"].get<uint64_t>() <= cap);
  for (const auto& op : r["ops"]) {
    INFO("op " << op["name"].get<std::string>() << " sram_peak_bytes " << op["sram_peak_bytes"] << " > " << cap);
    CHECK(op["sram_peak_bytes"].get<uint64_t>() <= cap);
  }
  for (const auto& core : r["cores"]) {
    INFO("core (" << core["x"] << "," << core["y"] << ") sram_peak_bytes " << core["sram_peak_bytes"] << " > " << cap);
    CHECK(core["sram_peak_bytes"].get<uint64_t>() <= cap);
  }
}

// A run on a 64 KiB SRAM either exits 2 naming `op` and SRAM, or succeeds within capacity.
void check_refused_or_fitted(const std::string& config, const std::string& trace, const std::string& op,
                             const std::string& extra) {
  const CliResult r = run_tessera("run --config " + config + " --trace " + trace + " --set core.sram_kib=64 " + extra +
                                  " --json --quiet");
  INFO("exit " << r.exit_code << "\nstderr: " << r.err);
  if (r.exit_code == 0) {
    const auto report = nlohmann::json::parse(r.out);
    CHECK(report["sram_capacity_bytes"].get<uint64_t>() == 64u * 1024);
    check_within_capacity(report);
  } else {
    CHECK(r.exit_code == 2);
    CHECK(lower(r.err).find("sram") != std::string::npos);
    if (!op.empty()) CHECK(r.err.find(op) != std::string::npos);
  }
}

}  // namespace

// On a 64 KiB SRAM the 256^3 GEMM blocks down until it fits (1x1-tile blocks need about 10 KiB).
TEST_CASE("a GEMM on a 64 KiB SRAM fits by blocking or is refused naming the op", "[chip][sram]") {
  check_refused_or_fitted("configs/toy_4x4.json", temp_trace("gemm.json", kGemm256), "gemm", "");
  check_refused_or_fitted("configs/toy_4x4.json", temp_trace("gemm.json", kGemm256), "gemm",
                          "--set chip.compute_grid.width=1 --set chip.compute_grid.height=1");
}

// YOLOv6-n at 320 on a 64 KiB SRAM: the mapper stages and streams through DRAM, or refuses with exit 2.
TEST_CASE("YOLOv6-n on a 64 KiB SRAM is refused with a message or spills within capacity", "[chip][sram]") {
  check_refused_or_fitted("configs/toy_4x4.json", generated_yolov6_320("n"), "", "");
}

// A weight larger than SRAM (4096 x 256 bf16 = 2 MiB on one 1464 KiB core) streams through a bounded buffer.
TEST_CASE("a weight larger than SRAM streams instead of staying resident", "[chip][sram]") {
  const char* kTallWeight = R"({"format": "tessera-trace", "version": 1, "name": "tall_weight",
    "tensors": [{"name": "a", "shape": [256, 8192], "kind": "input", "format": "bf16"},
                {"name": "b", "shape": [8192, 256], "kind": "weight", "format": "bf16"},
                {"name": "c", "shape": [256, 256], "format": "bf16"}],
    "ops": [{"name": "gemm", "type": "matmul", "inputs": ["a", "b"], "outputs": ["c"], "fidelity": "hifi4"}]})";
  check_within_capacity(run_report("configs/toy_4x4.json", temp_trace("tall.json", kTallWeight), kOneCoreIdeal));
}

// The invariant on every preset for every shipped workload (YOLOv6 generated at 320 to keep runs short).
#define SRAM_WITHIN_CAPACITY(preset, trace_name, trace_expr, tags)                                         \
  TEST_CASE("SRAM peak within capacity: " trace_name " on " preset, "[chip][sram][presets]" tags) {      \
    check_within_capacity(run_report("configs/" preset ".json", trace_expr));                              \
  }

#define SRAM_ON_ALL_PRESETS(trace_name, trace_expr, tags)                                                 \
  SRAM_WITHIN_CAPACITY("wormhole_n150", trace_name, trace_expr, tags)                                     \
  SRAM_WITHIN_CAPACITY("blackhole_p150", trace_name, trace_expr, tags)                                    \
  SRAM_WITHIN_CAPACITY("grayskull_e150", trace_name, trace_expr, tags)                                    \
  SRAM_WITHIN_CAPACITY("toy_4x4", trace_name, trace_expr, tags)

SRAM_ON_ALL_PRESETS("gemm_1024", "traces/gemm_1024.json", "")
SRAM_ON_ALL_PRESETS("switch_moe_64", "traces/switch_moe_64.json", "")
SRAM_ON_ALL_PRESETS("mixtral_moe_128", "traces/mixtral_moe_128.json", "")
SRAM_ON_ALL_PRESETS("yolov6n_320", generated_yolov6_320("n"), "")
SRAM_ON_ALL_PRESETS("yolov6s_320", generated_yolov6_320("s"), "")
SRAM_ON_ALL_PRESETS("yolov6_tiny_320", generated_yolov6_320("tiny"), "")
SRAM_ON_ALL_PRESETS("yolov6_v3_n_320", generated_yolov6_320("n", "3.0"), "")
SRAM_ON_ALL_PRESETS("yolov6_v3_s_320", generated_yolov6_320("s", "3.0"), "")
SRAM_ON_ALL_PRESETS("yolov6_v3_m_320", generated_yolov6_320("m", "3.0"), "")
SRAM_ON_ALL_PRESETS("yolov6_v3_l_320", generated_yolov6_320("l", "3.0"), "")
