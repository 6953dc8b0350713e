#pragma once
// Rounding for report figures: enough significant digits to compare, few enough to read, the same on
// every run. report.json, its power section and the silicon comparison all round this way.
#include <cmath>

namespace tessera {

inline double report_rounded(double v, int digits = 6) {
  if (v == 0 || !std::isfinite(v)) return 0;
  const double scale = std::pow(10.0, digits - 1 - int(std::floor(std::log10(std::fabs(v)))));
  return std::round(v * scale) / scale;
}

}  // namespace tessera
