// A 3x3 conv lowered by im2col: with a reshape engine the gather overlaps the math (time follows the
// slower of the two); without one the core gathers and computes in turn (time follows their sum).
#include <catch2/catch.hpp>

#include "tests/chip/chip_run.h"
#include "tests/support/cli.h"

using namespace tessera::test;

namespace {

// x [1, 64, 32, 32] * w [96, 64, 3, 3], padding 1 -> y [1, 96, 32, 32], bf16, HiFi4.
const char* kConv = R"({"format": "tessera-trace", "version": 1, "name": "conv3x3",
  "tensors": [{"name": "x", "shape": [1, 64, 32, 32], "kind": "input", "format": "bf16"},
              {"name": "w", "shape": [96, 64, 3, 3], "kind": "weight", "format": "bf16"},
              {"name": "y", "shape": [1, 96, 32, 32], "format": "bf16"}],
  "ops": [{"name": "conv", "type": "conv2d", "inputs": ["x", "w"], "outputs": ["y"], "fidelity": "hifi4",
           "attrs": {"kernel": [3, 3], "stride": [1, 1], "padding": [1, 1]}}]})";

}  // namespace

TEST_CASE("im2col gathers overlap the math with a reshape engine and add to it without one", "[chip][reshape]") {
  // One core of the toy chip, ideal NoC, im2col forced. The patch matrix has 32 x 32 = 1024 rows
  // (32 tiles) of 64 x 9 = 576 columns (18 tiles): 576 A tiles. Output channels: 96 = 3 tiles.
  //   math    = 32 * 3 * 18 tile products * 64 cycles (HiFi4)     = 110,592 cycles
  //   gather  = 576 tiles * 2048 B = 1,179,648 B
  //     reshape engine at 32 B/cycle                             =  36,864 cycles
  //     on the core, L1 mover 128 B per 11 cycles                = 101,376 cycles
  // With the engine the math span is max(110,592, 36,864) = 110,592; without it the gather joins the
  // math stage: 110,592 + 101,376 = 211,968. The loads before (x, 128 KiB) and the writes after are the
  // same in both runs, so the makespans differ by the on-core gather, 101,376 cycles.
  const std::string trace = temp_trace("conv.json", kConv);
  const std::string common = std::string(kOneCoreIdeal) + " --set mapper.conv_algorithm=im2col";
  const std::string with_dir = fresh_temp_dir("overlap-on"), without_dir = fresh_temp_dir("overlap-off");
  const auto with = run_into(with_dir, "configs/toy_4x4.json", trace, common + " --set packet_manager.reshape_engine=true");
  const auto without = run_into(without_dir, "configs/toy_4x4.json", trace,
                                common + " --set packet_manager.reshape_engine=false");

  const EngineSpan math_with = engine_span(with_dir, "math"), reshape_with = engine_span(with_dir, "reshape");
  const EngineSpan math_without = engine_span(without_dir, "math");
  CHECK(reshape_with.busy == 36864);
  CHECK(math_with.busy == 110592);
  CHECK(double(math_with.span()) == Approx(110592).epsilon(0.02));
  CHECK(engine_span(without_dir, "reshape").busy == 0);
  CHECK(math_without.busy == 211968);
  CHECK(double(math_without.span()) == Approx(211968).epsilon(0.02));

  const double t_with = with["total_cycles"].get<double>(), t_without = without["total_cycles"].get<double>();
  CHECK(t_without - t_with == Approx(101376).epsilon(0.02));
  // The rest (loads, launch, final writes) is small next to the compute: makespans within 10%.
  CHECK(t_with == Approx(110592).epsilon(0.10));
  CHECK(t_without == Approx(211968).epsilon(0.10));
}
