#include "sim/config/power_section.h"

#include <cmath>

#include "sim/base/errors.h"

namespace tessera {

PowerConfig parse_power(ObjectReader r, const ChipConfig& chip) {
  PowerConfig p;
  if (const Json* curve = r.optional_value("vf_curve")) {
    const std::string at = r.path_of("vf_curve");
    if (!curve->is_array() || curve->empty()) r.fail("vf_curve", "a non-empty array of [MHz, mV] points", *curve);
    for (size_t i = 0; i < curve->size(); ++i) {
      const Json& pt = (*curve)[i];
      const std::string where = at + "/" + std::to_string(i);
      // Bounded so that no later product overflows: no chip clocks above 100 GHz or runs above 100 V.
      if (!pt.is_array() || pt.size() != 2 || !pt[0].is_number() || !pt[1].is_number() || !(pt[0].get<double>() > 0) ||
          !(pt[1].get<double>() > 0) || pt[0].get<double>() > 1e5 || pt[1].get<double>() > 1e5)
        throw input_error(r.file(), where, "expected [MHz, mV] with numbers in (0, 100000], got " + describe_json(pt));
      if (!p.vf_curve.empty() && pt[0].get<double>() <= p.vf_curve.back().first)
        throw input_error(r.file(), where, "expected MHz above the previous point's, got " + describe_json(pt));
      p.vf_curve.push_back({pt[0].get<double>(), pt[1].get<double>()});
    }
    const double nominal_mhz = chip.clock_ghz * 1000;
    if (nominal_mhz < p.vf_curve.front().first - 1e-9 || nominal_mhz > p.vf_curve.back().first + 1e-9)
      throw input_error(r.file(), at,
                        "expected a curve that covers chip.clock_ghz (" + std::to_string(nominal_mhz) +
                            " MHz), got " + describe_json(*curve));
  }
  p.tdp_w = r.number_in("tdp_w", 0, 1e6, p.tdp_w);
  p.tdc_a = r.number_in("tdc_a", 0, 1e6, p.tdc_a);
  p.window_us = r.number_in("window_us", 1e-3, 1e9, p.window_us);
  p.board_other_w = r.number_in("board_other_w", 0, 1e6, p.board_other_w);
  if ((p.tdp_w > 0 || p.tdc_a > 0) && p.vf_curve.size() < 2)
    throw input_error(r.file(), r.path_of("vf_curve"),
                      "expected at least two [MHz, mV] points when tdp_w or tdc_a is set (the limiter needs a clock "
                      "range), got " + std::to_string(p.vf_curve.size()));
  r.reject_unknown_keys();
  return p;
}

}  // namespace tessera
