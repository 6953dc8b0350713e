// The statistics registry: the window a run's series use, and the tree report.json gets.
#include <catch2/catch.hpp>

#include <stdexcept>

#include "sim/base/stats_registry.h"

using namespace tessera;

namespace {
double same(double v) { return v; }
}  // namespace

TEST_CASE("a run's statistics window is the smallest power of two giving at most 1024 windows", "[stats]") {
  CHECK(stat_window_cycles(0) == 1);
  CHECK(stat_window_cycles(1024) == 1);
  CHECK(stat_window_cycles(1025) == 2);
  // 375,544 cycles (YOLOv6-n on wormhole_n150): 375544 / 1024 = 366.7, so 512-cycle windows, 734 of them.
  CHECK(stat_window_cycles(375544) == 512);
}

TEST_CASE("statistics dump as a tree of leaves with value, unit and description", "[stats]") {
  StatsRegistry s;
  s.set_windows(10, 3);
  s.set("noc.flits", 12, "flits", "flits injected");
  s.set_series("noc.direction.east.flits", {1, 2, 3}, "flits", "east", false);
  s.set_series("noc.link.0_0.east.flits", {1, 2, 3}, "flits", "one link", true);
  s.set("noc.message_latency.avg", 2.5, "cycles", "mean");
  CHECK(s.get("noc.direction.east.flits") == 6);  // a series' value is the sum of its windows
  const nlohmann::json t = s.to_json(same);
  CHECK(t["noc"]["flits"] == nlohmann::json({{"value", 12}, {"unit", "flits"}, {"description", "flits injected"}}));
  CHECK(t["noc"]["message_latency"]["avg"]["value"] == 2.5);
  CHECK(t["noc"]["direction"]["east"]["flits"]["windows"] == nlohmann::json({1, 2, 3}));
  // Detail series keep their total in the dump, not their windows.
  CHECK(t["noc"]["link"]["0_0"]["east"]["flits"]["value"] == 6);
  CHECK_FALSE(t["noc"]["link"]["0_0"]["east"]["flits"].contains("windows"));

  StatsRegistry clash;
  clash.set("noc.flits", 1, "flits", "");
  clash.set("noc.flits.east", 1, "flits", "");
  CHECK_THROWS_AS(clash.to_json(same), std::logic_error);
}
