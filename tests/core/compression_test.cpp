// Zero-run-length compression: the closed-form expected size against a real encoder run on random tiles,
// and the fixed points (dense data grows, all-zero data shrinks to the row skeleton).
#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <utility>
#include <vector>

#include "packet_manager/compression.h"

using namespace tessera;

namespace {

// One stored datum and the number of zeros that follow it.
struct StoredDatum {
  uint32_t value;
  uint32_t zeros_after;
};

// Encodes one row the way the packer does: the first and last datum are always stored, zeros are folded
// into the previous stored datum's 4-bit counter, and a zero that would push the counter past 15 is stored.
std::vector<StoredDatum> encode_row(const std::vector<uint32_t>& row) {
  std::vector<StoredDatum> stored;
  for (size_t i = 0; i < row.size(); ++i) {
    const bool edge = i == 0 || i + 1 == row.size();
    const bool counter_full = !stored.empty() && stored.back().zeros_after == 15;
    if (row[i] != 0 || edge || counter_full) stored.push_back({row[i], 0});
    else ++stored.back().zeros_after;
  }
  return stored;
}

std::vector<uint32_t> decode_row(const std::vector<StoredDatum>& stored) {
  std::vector<uint32_t> row;
  for (const StoredDatum& datum : stored) {
    row.push_back(datum.value);
    row.insert(row.end(), datum.zeros_after, 0u);
  }
  return row;
}

// Bytes of one encoded tile, from the layout worked out by hand (16 rows of 64 datums):
// row-start indices 17 x 2 = 34 B -> 48 B; bfp8 exponents 64 B; groups of 32 datums:
// bf16 64 + 16 = 80 B, bfp8 32 + 16 = 48 B.
uint64_t encoded_tile_bytes(DataFormat f, uint64_t stored_datums) {
  const uint64_t header = f == DataFormat::bfp8 ? 48 + 64 : 48;
  const uint64_t group = f == DataFormat::bfp8 ? 48 : 80;
  return header + (stored_datums + 31) / 32 * group;
}

// Mean encoded bytes over `tiles` random tiles whose datums are non-zero with probability `density`.
// Clears `lossless` if any row fails to decode back to itself.
double monte_carlo_tile_bytes(DataFormat f, double density, int tiles, uint64_t seed, bool& lossless) {
  std::mt19937_64 rng(seed);
  std::bernoulli_distribution nonzero(density);
  std::uniform_int_distribution<uint32_t> value(1, 0xffff);
  double total = 0.0;
  for (int t = 0; t < tiles; ++t) {
    uint64_t stored = 0;
    for (int r = 0; r < 16; ++r) {
      std::vector<uint32_t> row(64);
      for (uint32_t& v : row) v = nonzero(rng) ? value(rng) : 0;
      const std::vector<StoredDatum> encoded = encode_row(row);
      if (decode_row(encoded) != row) lossless = false;
      stored += encoded.size();
    }
    total += double(encoded_tile_bytes(f, stored));
  }
  return total / tiles;
}

}  // namespace

TEST_CASE("compressed layout sizes", "[core][compression]") {
  CHECK(compressed_group_bytes(DataFormat::fp32) == 144);  // 128 + 16
  CHECK(compressed_group_bytes(DataFormat::bf16) == 80);   // 64 + 16
  CHECK(compressed_group_bytes(DataFormat::bfp8) == 48);   // 32 + 16
  CHECK(compressed_group_bytes(DataFormat::bfp4) == 32);   // 16 + 16
  CHECK(compressed_group_bytes(DataFormat::bfp2) == 32);   // 8 padded to 16, + 16
  CHECK(compressed_header_bytes(DataFormat::bf16) == 48);  // (16 + 1) x 2 = 34 -> 48
  CHECK(compressed_header_bytes(DataFormat::bfp8) == 112); // + 64 exponents
  // 32 rows of 32: (33 x 2 = 66) -> 80.
  CHECK(compressed_header_bytes(DataFormat::bf16, 32) == 80);
}

TEST_CASE("dense data grows and all-zero data shrinks to the row skeleton", "[core][compression]") {
  // Density 1: all 1024 datums stored = 32 groups. bf16: 48 + 32 x 80 = 2608 B, ratio 2048/2608 = 0.785.
  CHECK(compressed_tile_bytes(DataFormat::bf16, 1.0) == 2608);
  CHECK(compression_ratio(DataFormat::bf16, 1.0) == Approx(2048.0 / 2608.0));
  CHECK(compression_ratio(DataFormat::bf16, 1.0) < 1.0);
  // bfp8: 112 + 32 x 48 = 1648 B > 1088 B.
  CHECK(compressed_tile_bytes(DataFormat::bfp8, 1.0) == 1648);
  CHECK(compression_ratio(DataFormat::bfp8, 1.0) < 1.0);

  // Density 0: a 64-datum row stores datum 1, the 16th zeros at 17, 33, 49 and the last datum: 5.
  // 16 rows -> 80 datums = 3 groups. bf16: 48 + 240 = 288 B (ratio 7.1); bfp8: 112 + 144 = 256 B.
  CHECK(expected_kept_datums_per_row(0.0) == Approx(5.0));
  CHECK(compressed_tile_bytes(DataFormat::bf16, 0.0) == 288);
  CHECK(compressed_tile_bytes(DataFormat::bfp8, 0.0) == 256);
  CHECK(compressed_bytes(DataFormat::bf16, 10, 0.0) == 2880);

  // Density 0.5: the 62 inner datums are kept with probability 0.5 (a 16-zero run has odds 2^-16),
  // plus the two edges: 2 + 31 = 33 per row.
  CHECK(expected_kept_datums_per_row(0.5) == Approx(33.0).epsilon(1e-3));
  CHECK_THROWS_AS(compressed_tile_bytes(DataFormat::bf16, 1.5), std::invalid_argument);
}

TEST_CASE("closed-form compressed size agrees with an encoder on random tiles", "[core][compression]") {
  bool lossless = true;
  for (DataFormat f : {DataFormat::bf16, DataFormat::bfp8}) {
    for (double density : {0.02, 0.1, 0.3, 0.5, 0.8, 0.95}) {
      INFO(to_string(f) << " density " << density);
      const double sampled = monte_carlo_tile_bytes(f, density, 2000, 12345, lossless);
      const double closed_form = expected_compressed_tile_bytes(f, density);
      CHECK(closed_form == Approx(sampled).epsilon(0.015));
    }
  }
  CHECK(lossless);
  // Sparser data compresses better.
  CHECK(compression_ratio(DataFormat::bf16, 0.1) > compression_ratio(DataFormat::bf16, 0.5));
}
