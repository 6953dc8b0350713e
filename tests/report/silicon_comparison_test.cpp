// The silicon comparison's figures, on ops whose measured and simulated times are chosen by hand: the
// per-op error weighted by measured time is sum |simulated - measured| / sum measured.
#include <catch2/catch.hpp>

#include "sim/report/silicon_comparison.h"

using namespace tessera;

namespace {

Op measured_op(const std::string& name, double ns) {
  Op op;
  op.name = name;
  if (ns >= 0) op.metadata["measured_ns"] = ns;
  return op;
}

nlohmann::json report_op(const std::string& name, const std::string& type, uint64_t cycles) {
  return {{"name", name}, {"type", type}, {"cycles", cycles}, {"cores", 4}};
}

}  // namespace

TEST_CASE("silicon comparison: totals, per-type weighted errors and the worst op", "[report][silicon]") {
  Graph g;
  g.ops = {measured_op("conv_a", 1000), measured_op("conv_b", 500), measured_op("mm", 2000), measured_op("relu", -1)};
  nlohmann::json ops = nlohmann::json::array({report_op("conv_a", "conv2d", 2400), report_op("conv_b", "conv2d", 600),
                                              report_op("mm", "matmul", 1500), report_op("relu", "relu", 10)});
  // At 1.2 GHz: measured cycles 1200, 600 and 2400; the relu has no measurement and is left out.
  const nlohmann::json m = compare_with_silicon(g, ops, 1.2);
  REQUIRE(m.is_object());
  CHECK(ops[0]["measured_cycles"] == 1200);
  CHECK(ops[2]["measured_cycles"] == 2400);
  CHECK_FALSE(ops[3].contains("measured_cycles"));
  CHECK(m["ops"] == 3);
  // Device time: 4200 measured, 4500 simulated: +7.14%.
  CHECK(m["measured_cycles"].get<double>() == 4200);
  CHECK(m["simulated_cycles"].get<double>() == 4500);
  CHECK(m["error"].get<double>() == Approx(300.0 / 4200).epsilon(1e-4));
  // |2400-1200| + |600-600| + |1500-2400| = 2100 over 4200 measured: 50%, though the totals are within 7%.
  CHECK(m["weighted_abs_error"].get<double>() == Approx(0.5).epsilon(1e-4));
  CHECK(m["by_type"]["conv2d"]["weighted_abs_error"].get<double>() == Approx(1200.0 / 1800).epsilon(1e-4));
  CHECK(m["by_type"]["matmul"]["error"].get<double>() == Approx(-900.0 / 2400).epsilon(1e-4));
  CHECK(m["worst"][0]["name"] == "conv_a");
  CHECK(m["worst"][1]["name"] == "mm");

  nlohmann::json report = {{"ops", ops}};
  const std::string csv = measured_vs_simulated_csv(report);
  CHECK(csv.find("conv_a,conv2d,4,1200,2400,2.0000\n") != std::string::npos);
  CHECK(csv.find("relu") == std::string::npos);
  CHECK(silicon_scatter_svg(report).find("<circle") != std::string::npos);
}

TEST_CASE("silicon comparison: a trace without measurements adds nothing", "[report][silicon]") {
  Graph g;
  g.ops = {measured_op("a", -1)};
  nlohmann::json ops = nlohmann::json::array({report_op("a", "relu", 5)});
  CHECK(compare_with_silicon(g, ops, 1.0).is_null());
  CHECK_FALSE(ops[0].contains("measured_cycles"));
}
