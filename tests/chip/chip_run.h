#pragma once
// Helpers for chip-level tests: run the tessera program on a config and a trace, and read what the
// report and the timeline say about DRAM traffic and the math engines.
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace tessera::test {

// Runs `tessera run --config <config> --trace <trace> <extra> --json --quiet` and returns report.json.
// Fails the test (REQUIRE) when the run does not exit with status 0.
nlohmann::json run_report(const std::string& config, const std::string& trace, const std::string& extra = "");

// Sum of a per-channel DRAM counter over all channels ("bytes_read" or "bytes_written").
double dram_total(const nlohmann::json& report, const std::string& counter);

// Busy time and extent of one engine ("math", "reshape", ...) over all cores, from timeline.json.
struct EngineSpan {
  uint64_t first_start = 0;
  uint64_t last_end = 0;
  uint64_t busy = 0;
  uint64_t span() const { return last_end - first_start; }
};

// Runs like run_report but writes the report files into `out_dir` (for the timeline) and returns report.json.
nlohmann::json run_into(const std::string& out_dir, const std::string& config, const std::string& trace,
                        const std::string& extra = "");

// Reads an engine's spans, in cycles, from the timeline.json of a run_into directory.
EngineSpan engine_span(const std::string& out_dir, const std::string& engine);

// Writes `text` into a fresh temp dir as <name> and returns its path.
std::string temp_trace(const std::string& name, const std::string& text);

// Writes YOLOv6-<model> at a 320x320 input with scripts/gen_yolov6.py into a temp dir; returns its path.
std::string generated_yolov6_320(const std::string& model, const std::string& release = "0.1.0");

// A toy_4x4 run on a 1x1 compute grid with an ideal (contention-free) NoC: the setting whose cycle
// counts follow from the config by hand.
constexpr const char* kOneCoreIdeal =
    "--set chip.compute_grid.width=1 --set chip.compute_grid.height=1 --set noc.model=ideal";

}  // namespace tessera::test
