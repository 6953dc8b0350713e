// Invariants of the mapper's plans, checked on the Plan itself (no simulation): every output element is
// computed exactly once, im2col and direct execute exactly the graph's MACs, SRAM is never over capacity,
// and the conv algorithm choice follows the cost model.
#include <catch2/catch.hpp>

#include <cstdlib>

#include <nlohmann/json.hpp>

#include "sim/config/config_loader.h"
#include "sim/mapper/mapper.h"
#include "sim/workload/op_shapes.h"
#include "sim/workload/trace_reader.h"
#include "tests/support/cli.h"

using namespace tessera;

namespace {

const char* kPresets[] = {"grayskull_e150", "wormhole_n150", "blackhole_p150", "toy_4x4"};

void check_plan(const ArchConfig& config, const Graph& graph, const Plan& plan, bool exact_macs) {
  REQUIRE(plan.ops.size() == graph.ops.size());
  for (size_t i = 0; i < plan.ops.size(); ++i) {
    const OpPlan& o = plan.ops[i];
    INFO(o.name);
    // MACs from the shapes, independently of the mapper.
    CHECK(o.macs == op_macs(graph, graph.ops[i]));
    if (exact_macs) CHECK(o.executed_macs == o.macs);
    // Ops that run on cores cover their output exactly once (the pieces are disjoint by construction,
    // so equal totals mean no element is missed or done twice).
    if (o.cores > 0) CHECK(o.output_elements == graph.output(graph.ops[i]).elements());
    // The compute blocks of the op add up to what the op reports.
    uint64_t block_macs = 0;
    for (const CoreProgram& c : plan.cores)
      for (const ComputeCmd& k : c.compute)
        if (k.op == int(i)) block_macs += k.macs;
    CHECK(int64_t(block_macs) == o.executed_macs);
  }
  for (const CoreProgram& c : plan.cores) CHECK(c.sram_peak_bytes <= config.core.sram_bytes());
}

}  // namespace

TEST_CASE("plans for YOLOv6-n cover every output once, with the graph's MACs, within SRAM", "[mapper]") {
  const Graph graph = read_trace(TESSERA_SOURCE_DIR "/traces/yolov6n_640.json");
  for (const char* preset : kPresets)
    for (const char* algorithm : {"im2col", "direct"})
      for (const char* placement : {"layer_by_layer", "pipelined"}) {
        INFO(preset << " " << algorithm << " " << placement);
        const ArchConfig config =
            load_arch_config(std::string(TESSERA_SOURCE_DIR "/configs/") + preset + ".json",
                             {std::string("mapper.conv_algorithm=") + algorithm, std::string("mapper.placement=") + placement});
        check_plan(config, graph, map_graph(config, graph), /*exact_macs=*/true);
      }
}

TEST_CASE("plans for the MoE blocks stay within SRAM and skip experts without tokens", "[mapper]") {
  for (const char* trace : {"mixtral_moe_128", "switch_moe_64"}) {
    const Graph graph = read_trace(std::string(TESSERA_SOURCE_DIR "/traces/") + trace + ".json");
    for (const char* preset : kPresets) {
      INFO(trace << " on " << preset);
      const ArchConfig config = load_arch_config(std::string(TESSERA_SOURCE_DIR "/configs/") + preset + ".json");
      const Plan plan = map_graph(config, graph);
      check_plan(config, graph, plan, true);
      for (size_t i = 0; i < graph.ops.size(); ++i)
        if (graph.output(graph.ops[i]).elements() == 0) CHECK(plan.ops[i].cores == 0);
    }
  }
}

namespace {

// One 3x3 conv, C -> K channels, on an H x H image with the given stride.
Graph one_conv(int64_t c, int64_t k, int64_t h, int64_t stride, int64_t kernel) {
  const int64_t ho = (h + 2 * (kernel / 2) - kernel) / stride + 1;
  nlohmann::json t = {{"format", "tessera-trace"}, {"version", 1}, {"name", "conv"},
                      {"tensors", {{{"name", "x"}, {"shape", {1, c, h, h}}, {"kind", "input"}},
                                   {{"name", "w"}, {"shape", {k, c, kernel, kernel}}, {"kind", "weight"}},
                                   {{"name", "y"}, {"shape", {1, k, ho, ho}}}}},
                      {"ops", {{{"name", "conv"}, {"type", "conv2d"}, {"inputs", {"x", "w"}}, {"outputs", {"y"}},
                                {"attrs", {{"stride", {stride, stride}}, {"padding", {kernel / 2, kernel / 2}}}}}}}};
  return parse_trace(t, "conv.json");
}

std::string chosen(const Graph& g) {
  const ArchConfig config = load_arch_config(TESSERA_SOURCE_DIR "/configs/wormhole_n150.json");
  return map_graph(config, g).ops[0].conv_algorithm;
}

}  // namespace

TEST_CASE("auto picks Winograd where its cost model wins and im2col or direct elsewhere", "[mapper]") {
  // 512 -> 512 channels, 3x3, stride 1, 64x64 at HiFi2: per output pixel and output channel im2col needs
  // 9 x 512 MACs; F(4x4,3x3) needs 36/16 x 512 plus transforms of 9 + 6.25 vector ops per pixel-channel
  // on 32 lanes. The matrix unit does 2048 MACs per cycle per phase: im2col 2304 cycles per pixel over
  // all 512 outputs, F(4,3) about 576 + 244 = 820. Winograd wins.
  CHECK(chosen(one_conv(512, 512, 64, 1, 3)).rfind("winograd", 0) == 0);
  // Stride 2 and 1x1 kernels are not Winograd candidates.
  const std::string strided = chosen(one_conv(64, 64, 64, 2, 3));
  CHECK((strided == "im2col" || strided == "direct"));
  const std::string pointwise = chosen(one_conv(64, 64, 64, 1, 1));
  CHECK((pointwise == "im2col" || pointwise == "direct"));
  // A forced Winograd on a stride-2 layer falls back, and says so.
  const ArchConfig forced = load_arch_config(TESSERA_SOURCE_DIR "/configs/wormhole_n150.json", {"mapper.conv_algorithm=winograd2"});
  const Plan plan = map_graph(forced, one_conv(64, 64, 64, 2, 3));
  CHECK(plan.ops[0].conv_algorithm == "im2col");
  CHECK(plan.ops[0].note.find("not eligible") != std::string::npos);
}

TEST_CASE("auto is never more than 2% slower than the best forced conv algorithm", "[mapper][e2e]") {
  const std::string dir = tessera::test::fresh_temp_dir("conv-auto");
  const std::string trace = dir + "/y.json";
  REQUIRE(std::system(("/usr/bin/python3 " TESSERA_SOURCE_DIR "/scripts/gen_yolov6.py --model n --img 320 -o " + trace).c_str()) == 0);
  auto cycles = [&](const std::string& algorithm) {
    const auto r = tessera::test::run_tessera("run --config configs/wormhole_n150.json --trace " + trace +
                                              " --set mapper.conv_algorithm=" + algorithm + " --json --quiet");
    REQUIRE(r.exit_code == 0);
    return nlohmann::json::parse(r.out)["total_cycles"].get<double>();
  };
  double best = 1e300;
  for (const char* a : {"im2col", "direct", "winograd2", "winograd4"}) best = std::min(best, cycles(a));
  CHECK(cycles("auto") <= 1.02 * best);
}
