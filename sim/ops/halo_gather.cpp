#include "sim/ops/halo_gather.h"

#include <algorithm>

namespace tessera {

HaloGatherCalls halo_gather_calls(const HaloImage& im, int64_t first, int64_t last) {
  HaloGatherCalls c;
  if (im.width <= 0 || im.height <= 0 || last <= first) return c;
  c.sticks = uint64_t(last - first);
  // A run continues while both its output and its input sticks are consecutive (no padding between rows).
  int64_t run_out_end = -1, run_in_end = -1;
  for (int64_t row = first / im.width; row * im.width < last; ++row) {
    const int64_t start = row * im.width;
    const int64_t a = std::max(first, start), b = std::min(last, start + im.width);
    const int64_t y = row % im.height, n = row / im.height;
    const bool pad_row = y < im.top || y >= im.top + im.rows;
    const int64_t d0 = pad_row ? b : std::max(a, start + im.left);
    const int64_t d1 = pad_row ? b : std::min(b, start + im.left + im.cols);
    const int64_t data = std::max<int64_t>(0, d1 - d0);
    c.pad_sticks += uint64_t((b - a) - data);
    if (data == 0) continue;
    const int64_t in0 = (n * im.rows + (y - im.top)) * im.cols + (d0 - start - im.left);
    if (d0 != run_out_end || in0 != run_in_end) ++c.transfers;
    run_out_end = d1;
    run_in_end = in0 + data;
  }
  return c;
}

}  // namespace tessera
