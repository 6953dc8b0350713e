#pragma once
// What tt-metal's halo gather kernel (sliding_window/halo, halo_gather.cpp) does to write one range of a
// halo's output sticks: the output is the input image padded by the window's margins, flattened to
// (n, y, x) sticks of all the core's channels. The kernel's configs are run lengths: each contiguous run
// of input sticks (an image row's W sticks, or several rows when nothing pads between them) is one NoC
// write, and each padding stick is one NoC read of the core's one-stick pad buffer.
#include <cstdint>

namespace tessera {

struct HaloImage {
  int64_t height = 0, width = 0;  // the padded image (the halo's output), per batch
  int64_t top = 0, left = 0;      // padding before the input's rows and columns
  int64_t rows = 0, cols = 0;     // the input image inside it
};

struct HaloGatherCalls {
  uint64_t sticks = 0;      // output sticks written
  uint64_t transfers = 0;   // runs of input sticks: one noc_async_write each
  uint64_t pad_sticks = 0;  // padding sticks: one noc_async_read each
  uint64_t calls() const { return transfers + pad_sticks; }
};

// The calls that write output sticks [first, last) (indices into the flattened padded batch).
HaloGatherCalls halo_gather_calls(const HaloImage& image, int64_t first, int64_t last);

}  // namespace tessera
