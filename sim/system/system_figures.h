#pragma once
// Figures a system config implies, for `tessera info --system`: links per chip pair, the bisection
// bandwidth, the summed peak TFLOPS.
#include <map>
#include <utility>
#include <vector>

#include "sim/base/data_format.h"
#include "sim/system/system_config.h"

namespace tessera::system {

// (lower device id, higher device id) -> links between them.
std::map<std::pair<int, int>, int> links_per_pair(const SystemConfig& s);

struct Bisection {
  int links = 0;          // links crossing the cut
  double gbytes_per_s = 0;  // their line rate, both directions summed
  bool across_x = true;   // the cut splits the columns (else the rows)
};

// The cut through the middle of the longer grid axis (columns on a tie); on a wrapped axis the
// wrap-around links cross it too. A 1x1 grid has no cut (zero links).
Bisection bisection(const SystemConfig& s);

// Peak TFLOPS of the matrix units of every compute core of every chip at `fidelity`.
double peak_tflops(const SystemConfig& s, Fidelity fidelity);

}  // namespace tessera::system
