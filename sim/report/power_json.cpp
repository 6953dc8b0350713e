#include "sim/report/power_json.h"

#include <cmath>
#include <cstdio>

#include "sim/report/report_rounding.h"

namespace tessera {
namespace {

double rounded(double v) { return report_rounded(v); }

nlohmann::json rounded_array(const std::vector<double>& v) {
  nlohmann::json a = nlohmann::json::array();
  for (double x : v) a.push_back(rounded(x));
  return a;
}

}  // namespace

nlohmann::json power_json(const ArchConfig& config, const Plan& plan, const PowerReport& p) {
  const PowerConfig& c = config.power;
  nlohmann::json j;
  j["vcore_avg_w"] = rounded(p.vcore_avg_w);
  j["board_avg_w"] = rounded(p.board_avg_w);
  j["vcore_peak_w"] = rounded(p.vcore_peak_w);
  j["board_peak_w"] = rounded(p.board_peak_w);
  j["window_us"] = c.window_us;
  j["idle_vcore_w"] = rounded(p.idle_vcore_w);
  j["max_clock_ghz"] = config.chip.clock_ghz;
  j["avg_clock_ghz"] = rounded(p.avg_clock_ghz);
  j["min_clock_ghz"] = rounded(p.min_clock_ghz);
  j["throttled_fraction"] = rounded(p.throttled_fraction);
  j["seconds"] = rounded(p.seconds);
  j["limiter"] = {{"on", p.limiter}, {"tdp_w", c.tdp_w}, {"tdc_a", c.tdc_a}};
  nlohmann::json by_op = nlohmann::json::array();
  for (size_t i = 0; i < plan.ops.size() && i < p.by_op.size(); ++i)
    by_op.push_back({{"op", plan.ops[i].name}, {"vcore_avg_w", rounded(p.by_op[i].vcore_avg_w)},
                     {"board_avg_w", rounded(p.by_op[i].board_avg_w)},
                     {"avg_clock_ghz", rounded(p.by_op[i].avg_clock_ghz)}});
  j["by_op"] = by_op;
  j["windows"] = {{"window_cycles", p.window_cycles}, {"clock_mhz", rounded_array(p.window_mhz)},
                  {"vcore_w", rounded_array(p.window_vcore_w)}, {"board_w", rounded_array(p.window_board_w)}};
  return j;
}

std::string format_power_summary(const nlohmann::json& r) {
  if (!r.contains("power")) return "";
  const nlohmann::json& p = r["power"];
  char line[320];
  std::snprintf(line, sizeof line, "power      VCORE %.1f W average, %.1f W peak; board %.1f W average, %.1f W peak (over %g us)\n",
                p["vcore_avg_w"].get<double>(), p["vcore_peak_w"].get<double>(), p["board_avg_w"].get<double>(),
                p["board_peak_w"].get<double>(), p["window_us"].get<double>());
  std::string s = line;
  if (p["limiter"]["on"].get<bool>()) {
    std::snprintf(line, sizeof line, "limiter    %.3f GHz average of %.2f (lowest %.3f), throttled %.1f%% of %.3f ms\n",
                  p["avg_clock_ghz"].get<double>(), p["max_clock_ghz"].get<double>(), p["min_clock_ghz"].get<double>(),
                  100 * p["throttled_fraction"].get<double>(), p["seconds"].get<double>() * 1e3);
    s += line;
  }
  return s;
}

}  // namespace tessera
