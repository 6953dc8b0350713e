// SRAM is a hard limit, checked where it is spent: the chip measures, per core, the most bytes its buffers
// held at once (tiles reserved or landed, at the bytes their DMA moved, until popped or until no engine of
// the core reads them again: sim/chip/run_invariants.*). The mapper's own allotment is not used except to
// compare with on a case derived by hand.
//
// A workload that does not fit is refused with a message naming SRAM (exit 2), or mapped so that no core
// ever holds more than its SRAM.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "sim/chip/chip.h"
#include "sim/config/config_loader.h"
#include "sim/mapper/mapper.h"
#include "sim/workload/trace_reader.h"
#include "tests/chip/chip_run.h"
#include "tests/support/cli.h"

using namespace tessera;
using namespace tessera::test;

namespace {

struct Measured {
  uint64_t capacity = 0;
  std::vector<uint64_t> chip_peak;    // per core, measured at the chip
  std::vector<uint64_t> mapper_peak;  // per core, what the mapper allotted
};

Measured run_measured(const std::string& config_path, const std::string& trace_path,
                      const std::vector<std::string>& sets = {}) {
  const ArchConfig config = load_arch_config(config_path, sets);
  const Graph graph = read_trace(trace_path);
  const Plan plan = map_graph(config, graph);
  Chip chip(config, plan);
  const RunResult r = chip.run();
  Measured m;
  m.capacity = config.core.sram_bytes();
  m.chip_peak = r.measured.sram_peak_bytes;
  for (const CoreProgram& c : plan.cores) m.mapper_peak.push_back(c.sram_peak_bytes);
  REQUIRE(m.chip_peak.size() == plan.cores.size());
  return m;
}

void check_within_capacity(const Measured& m) {
  const auto worst = std::max_element(m.chip_peak.begin(), m.chip_peak.end());
  REQUIRE(worst != m.chip_peak.end());
  const size_t core = size_t(worst - m.chip_peak.begin());
  INFO("core " << core << " held " << *worst << " bytes at once (the mapper allotted " << m.mapper_peak[core]
               << "); its SRAM is " << m.capacity);
  CHECK(*worst <= m.capacity);
  CHECK(*worst > 0);
}

std::string gemm_trace(int m, int k, int n) {
  return R"({"format": "tessera-trace", "version": 1, "name": "gemm",
  "tensors": [{"name": "a", "shape": [)" + std::to_string(m) + ", " + std::to_string(k) + R"(], "kind": "input", "format": "bf16"},
              {"name": "b", "shape": [)" + std::to_string(k) + ", " + std::to_string(n) + R"(], "kind": "weight", "format": "bf16"},
              {"name": "c", "shape": [)" + std::to_string(m) + ", " + std::to_string(n) + R"(], "format": "bf16"}],
  "ops": [{"name": "gemm", "type": "matmul", "inputs": ["a", "b"], "outputs": ["c"], "fidelity": "hifi4"}]})";
}

const std::vector<std::string> kOneCoreIdealSets = {"chip.compute_grid.width=1", "chip.compute_grid.height=1",
                                                    "noc.model=ideal"};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return s;
}

// By hand: a GEMM small enough for one block on one core holds all of A and B while the block runs; at the
// block's end the pipeline pops both and pushes C, so C never sits beside them. bf16 is 2 bytes:
// 64x128x32: A 16 KiB + B 8 KiB = 24576 bytes; 256^3: A 128 KiB + B 128 KiB = 262144 bytes. The mapper's
// allotment for the same plan adds C and streaming slack: it must be an upper bound, and not a loose one.
// (SystemC elaborates once per process: one chip per test case.)
void check_one_block_gemm(int m, int k, int n, uint64_t by_hand) {
  const Measured r = run_measured("configs/toy_4x4.json", temp_trace("gemm.json", gemm_trace(m, k, n)),
                                  kOneCoreIdealSets);
  REQUIRE(r.chip_peak.size() == 1);
  CHECK(r.chip_peak[0] == by_hand);
  CHECK(r.chip_peak[0] <= r.mapper_peak[0]);
  // A + B + C is the most one block needs; the mapper may round buffer capacities up to whole blocks.
  CHECK(r.mapper_peak[0] <= 2 * by_hand);
}

TEST_CASE("a 64x128x32 GEMM on one core holds A and B at its peak: 24576 bytes", "[chip][sram]") {
  check_one_block_gemm(64, 128, 32, 24576);
}

TEST_CASE("a 256^3 GEMM on one core holds A and B at its peak: 262144 bytes", "[chip][sram]") {
  check_one_block_gemm(256, 256, 256, 262144);
}

// On a 64 KiB SRAM the 256^3 GEMM blocks down until it fits (1x1-tile blocks need about 10 KiB), or the run
// is refused naming SRAM and the op.
void check_fits_or_refused(const std::vector<std::string>& sets) {
  const std::string trace = temp_trace("gemm.json", gemm_trace(256, 256, 256));
  std::string flags;
  for (const std::string& s : sets) flags += " --set " + s;
  const CliResult cli = run_tessera("run --config configs/toy_4x4.json --trace " + trace + flags + " --json --quiet");
  INFO(flags << ": exit " << cli.exit_code << "\nstderr: " << cli.err);
  if (cli.exit_code != 0) {
    CHECK(cli.exit_code == 2);
    CHECK(lower(cli.err).find("sram") != std::string::npos);
    CHECK(cli.err.find("gemm") != std::string::npos);
    return;
  }
  const Measured m = run_measured("configs/toy_4x4.json", trace, sets);
  CHECK(m.capacity == 64u * 1024);
  check_within_capacity(m);
}

}  // namespace

TEST_CASE("a GEMM on 16 cores with 64 KiB SRAM fits by blocking, measured at the chip, or is refused", "[chip][sram]") {
  check_fits_or_refused({"core.sram_kib=64"});
}

TEST_CASE("a GEMM on one core with 64 KiB SRAM fits by blocking, measured at the chip, or is refused", "[chip][sram]") {
  check_fits_or_refused({"core.sram_kib=64", "chip.compute_grid.width=1", "chip.compute_grid.height=1"});
}

// A weight larger than SRAM (8192 x 256 bf16 = 4 MiB on one 1464 KiB core) streams through a bounded buffer.
TEST_CASE("a weight larger than SRAM streams: the chip never holds more than its SRAM", "[chip][sram]") {
  const Measured m = run_measured("configs/toy_4x4.json", temp_trace("tall.json", gemm_trace(256, 8192, 256)),
                                  kOneCoreIdealSets);
  check_within_capacity(m);
}

// The invariant on every preset for every shipped workload (YOLOv6 generated at 320 to keep runs short).
#define SRAM_WITHIN_CAPACITY(preset, trace_name, trace_expr, tags)                                         \
  TEST_CASE("SRAM peak within capacity (measured at the chip): " trace_name " on " preset, "[chip][sram][presets]" tags) { \
    check_within_capacity(run_measured("configs/" preset ".json", trace_expr));                            \
  }

// Known overflows, tagged [!shouldfail] so that the suite stays green while they last and fails the day one
// is fixed (then drop the tag). None is known now. The last ones (mixtral_moe_128 on blackhole_p150, p100
// and grayskull_e150, 1.12-1.78 MB; yolov6s_320, v3_s, v3_m and v3_l on toy_4x4, 1.57-2.03 MB) had one cause:
// a DRAM read shared by several cores (a multicast of a weight chunk) waited only for its issuing core's
// prefetch gate, so it landed on a core still running the op before the one it prefetches for; and the
// mapper held a prefetch for one global op step where the core's own gate lets it land several steps
// early. A shared read now waits for every destination's gate (DramReadCmd::dst_waits) and the mapper
// holds gated reads from the step the core's gate opens (MapContext::first_read_step).
#define KNOWN_OVERFLOW "[!shouldfail]"

SRAM_WITHIN_CAPACITY("wormhole_n150", "gemm_1024", "traces/gemm_1024.json", "")
SRAM_WITHIN_CAPACITY("blackhole_p150", "gemm_1024", "traces/gemm_1024.json", "")
SRAM_WITHIN_CAPACITY("grayskull_e150", "gemm_1024", "traces/gemm_1024.json", "")
SRAM_WITHIN_CAPACITY("toy_4x4", "gemm_1024", "traces/gemm_1024.json", "")
SRAM_WITHIN_CAPACITY("wormhole_n150", "switch_moe_64", "traces/switch_moe_64.json", "")
SRAM_WITHIN_CAPACITY("blackhole_p150", "switch_moe_64", "traces/switch_moe_64.json", "")
SRAM_WITHIN_CAPACITY("grayskull_e150", "switch_moe_64", "traces/switch_moe_64.json", "")
SRAM_WITHIN_CAPACITY("toy_4x4", "switch_moe_64", "traces/switch_moe_64.json", "")
SRAM_WITHIN_CAPACITY("wormhole_n150", "mixtral_moe_128", "traces/mixtral_moe_128.json", "")
SRAM_WITHIN_CAPACITY("blackhole_p150", "mixtral_moe_128", "traces/mixtral_moe_128.json", "")
SRAM_WITHIN_CAPACITY("grayskull_e150", "mixtral_moe_128", "traces/mixtral_moe_128.json", "")
SRAM_WITHIN_CAPACITY("toy_4x4", "mixtral_moe_128", "traces/mixtral_moe_128.json", "")
SRAM_WITHIN_CAPACITY("wormhole_n150", "yolov6n_320", generated_yolov6_320("n"), "")
SRAM_WITHIN_CAPACITY("blackhole_p150", "yolov6n_320", generated_yolov6_320("n"), "")
SRAM_WITHIN_CAPACITY("grayskull_e150", "yolov6n_320", generated_yolov6_320("n"), "")
SRAM_WITHIN_CAPACITY("toy_4x4", "yolov6n_320", generated_yolov6_320("n"), "")
SRAM_WITHIN_CAPACITY("wormhole_n150", "yolov6s_320", generated_yolov6_320("s"), "")
SRAM_WITHIN_CAPACITY("blackhole_p150", "yolov6s_320", generated_yolov6_320("s"), "")
SRAM_WITHIN_CAPACITY("grayskull_e150", "yolov6s_320", generated_yolov6_320("s"), "")
SRAM_WITHIN_CAPACITY("toy_4x4", "yolov6s_320", generated_yolov6_320("s"), "")
SRAM_WITHIN_CAPACITY("wormhole_n150", "yolov6_tiny_320", generated_yolov6_320("tiny"), "")
SRAM_WITHIN_CAPACITY("blackhole_p150", "yolov6_tiny_320", generated_yolov6_320("tiny"), "")
SRAM_WITHIN_CAPACITY("grayskull_e150", "yolov6_tiny_320", generated_yolov6_320("tiny"), "")
SRAM_WITHIN_CAPACITY("toy_4x4", "yolov6_tiny_320", generated_yolov6_320("tiny"), "")
SRAM_WITHIN_CAPACITY("wormhole_n150", "yolov6_v3_n_320", generated_yolov6_320("n", "3.0"), "")
SRAM_WITHIN_CAPACITY("blackhole_p150", "yolov6_v3_n_320", generated_yolov6_320("n", "3.0"), "")
SRAM_WITHIN_CAPACITY("grayskull_e150", "yolov6_v3_n_320", generated_yolov6_320("n", "3.0"), "")
SRAM_WITHIN_CAPACITY("toy_4x4", "yolov6_v3_n_320", generated_yolov6_320("n", "3.0"), "")
SRAM_WITHIN_CAPACITY("wormhole_n150", "yolov6_v3_s_320", generated_yolov6_320("s", "3.0"), "")
SRAM_WITHIN_CAPACITY("blackhole_p150", "yolov6_v3_s_320", generated_yolov6_320("s", "3.0"), "")
SRAM_WITHIN_CAPACITY("grayskull_e150", "yolov6_v3_s_320", generated_yolov6_320("s", "3.0"), "")
SRAM_WITHIN_CAPACITY("toy_4x4", "yolov6_v3_s_320", generated_yolov6_320("s", "3.0"), "")
SRAM_WITHIN_CAPACITY("wormhole_n150", "yolov6_v3_m_320", generated_yolov6_320("m", "3.0"), "")
SRAM_WITHIN_CAPACITY("blackhole_p150", "yolov6_v3_m_320", generated_yolov6_320("m", "3.0"), "")
SRAM_WITHIN_CAPACITY("grayskull_e150", "yolov6_v3_m_320", generated_yolov6_320("m", "3.0"), "")
SRAM_WITHIN_CAPACITY("toy_4x4", "yolov6_v3_m_320", generated_yolov6_320("m", "3.0"), "")
SRAM_WITHIN_CAPACITY("wormhole_n150", "yolov6_v3_l_320", generated_yolov6_320("l", "3.0"), "")
SRAM_WITHIN_CAPACITY("blackhole_p150", "yolov6_v3_l_320", generated_yolov6_320("l", "3.0"), "")
SRAM_WITHIN_CAPACITY("grayskull_e150", "yolov6_v3_l_320", generated_yolov6_320("l", "3.0"), "")
SRAM_WITHIN_CAPACITY("toy_4x4", "yolov6_v3_l_320", generated_yolov6_320("l", "3.0"), "")
SRAM_WITHIN_CAPACITY("blackhole_p100", "gemm_1024", "traces/gemm_1024.json", "")
SRAM_WITHIN_CAPACITY("blackhole_p100", "switch_moe_64", "traces/switch_moe_64.json", "")
SRAM_WITHIN_CAPACITY("blackhole_p100", "mixtral_moe_128", "traces/mixtral_moe_128.json", "")
SRAM_WITHIN_CAPACITY("blackhole_p100", "yolov6n_320", generated_yolov6_320("n"), "")
SRAM_WITHIN_CAPACITY("blackhole_p100", "yolov6s_320", generated_yolov6_320("s"), "")
SRAM_WITHIN_CAPACITY("blackhole_p100", "yolov6_tiny_320", generated_yolov6_320("tiny"), "")
SRAM_WITHIN_CAPACITY("blackhole_p100", "yolov6_v3_n_320", generated_yolov6_320("n", "3.0"), "")
SRAM_WITHIN_CAPACITY("blackhole_p100", "yolov6_v3_s_320", generated_yolov6_320("s", "3.0"), "")
SRAM_WITHIN_CAPACITY("blackhole_p100", "yolov6_v3_m_320", generated_yolov6_320("m", "3.0"), "")
SRAM_WITHIN_CAPACITY("blackhole_p100", "yolov6_v3_l_320", generated_yolov6_320("l", "3.0"), "")
// The Galaxy preset: the p150's SRAM on 130 cores.
SRAM_WITHIN_CAPACITY("blackhole_galaxy", "gemm_1024", "traces/gemm_1024.json", "")
