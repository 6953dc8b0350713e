#include "packet_manager/compression.h"

#include <cmath>
#include <cstring>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace tessera {
namespace {

constexpr uint32_t kWriteAlignBytes = 16;  // packers write L1 in aligned 16 B chunks
constexpr uint32_t kExponentsPerBlock = 16;

uint32_t round_up(uint32_t bytes, uint32_t align) { return (bytes + align - 1) / align * align; }

bool is_block_float(DataFormat f) {
  return f == DataFormat::bfp8 || f == DataFormat::bfp4 || f == DataFormat::bfp2;
}

void check_arguments(double density, uint32_t row_datums) {
  if (!(density >= 0.0 && density <= 1.0))
    throw std::invalid_argument("compression density must be in [0, 1], got " + std::to_string(density));
  if (row_datums < 2 || row_datums > uint32_t(kTileElements) || kTileElements % row_datums != 0)
    throw std::invalid_argument("compression row must be 2..1024 datums and divide 1024, got " +
                                std::to_string(row_datums));
}

// Probability of each count of kept datums in one row. Walks the row keeping, for each (zeros since the last
// kept datum, kept so far), its probability.
std::vector<double> kept_per_row_distribution(double density, uint32_t row_datums) {
  const double p = density, q = 1.0 - density;
  constexpr uint32_t kRunStates = kMaxZerosPerCounter + 1;
  // state[run][kept]
  std::vector<std::vector<double>> state(kRunStates, std::vector<double>(row_datums + 1, 0.0));
  state[0][1] = 1.0;  // the first datum is always kept
  for (uint32_t position = 1; position + 1 < row_datums; ++position) {
    std::vector<std::vector<double>> next(kRunStates, std::vector<double>(row_datums + 1, 0.0));
    for (uint32_t run = 0; run < kRunStates; ++run) {
      for (uint32_t kept = 1; kept <= position; ++kept) {
        const double w = state[run][kept];
        if (w == 0.0) continue;
        next[0][kept + 1] += w * p;  // non-zero: kept
        if (run + 1 == kRunStates) next[0][kept + 1] += w * q;  // 16th zero: kept to continue the count
        else next[run + 1][kept] += w * q;                     // zero: dropped into the counter
      }
    }
    state.swap(next);
  }
  std::vector<double> distribution(row_datums + 1, 0.0);
  for (uint32_t run = 0; run < kRunStates; ++run)
    for (uint32_t kept = 1; kept < row_datums; ++kept) distribution[kept + 1] += state[run][kept];  // last kept
  return distribution;
}

// Expected number of 32-datum groups in a tile: the per-row distributions convolved over the tile's rows.
double expected_groups_per_tile_uncached(double density, uint32_t row_datums) {
  const std::vector<double> row = kept_per_row_distribution(density, row_datums);
  std::vector<double> tile{1.0};
  for (uint32_t r = 0; r < kTileElements / row_datums; ++r) {
    std::vector<double> next(tile.size() + row_datums, 0.0);
    for (size_t a = 0; a < tile.size(); ++a) {
      if (tile[a] == 0.0) continue;
      for (size_t b = 0; b < row.size(); ++b) next[a + b] += tile[a] * row[b];
    }
    tile.swap(next);
  }
  double groups = 0.0;
  for (size_t kept = 0; kept < tile.size(); ++kept)
    groups += tile[kept] * double((kept + kDatumsPerGroup - 1) / kDatumsPerGroup);
  return groups;
}

// The convolution costs about a million multiply-adds, and runs see few distinct densities: remember them.
double expected_groups_per_tile(double density, uint32_t row_datums) {
  static std::mutex mutex;
  static std::map<std::pair<uint64_t, uint32_t>, double> cache;
  uint64_t density_bits = 0;
  std::memcpy(&density_bits, &density, sizeof density);
  const auto key = std::make_pair(density_bits, row_datums);
  std::lock_guard<std::mutex> lock(mutex);
  auto it = cache.find(key);
  if (it == cache.end()) it = cache.emplace(key, expected_groups_per_tile_uncached(density, row_datums)).first;
  return it->second;
}

}  // namespace

uint32_t compressed_datum_bits(DataFormat f) {
  switch (f) {
    case DataFormat::fp32: return 32;
    case DataFormat::bf16: return 16;
    case DataFormat::fp16: return 16;
    case DataFormat::bfp8: return 8;
    case DataFormat::bfp4: return 4;
    case DataFormat::bfp2: return 2;
  }
  return 16;
}

uint32_t compressed_group_bytes(DataFormat f) {
  const uint32_t datum_bytes = round_up(kDatumsPerGroup * compressed_datum_bits(f) / 8, kWriteAlignBytes);
  const uint32_t counter_bytes = kDatumsPerGroup * 4 / 8;  // 16 B, already aligned
  return datum_bytes + counter_bytes;
}

uint32_t compressed_header_bytes(DataFormat f, uint32_t row_datums) {
  check_arguments(1.0, row_datums);
  const uint32_t rows = kTileElements / row_datums;
  uint32_t bytes = round_up((rows + 1) * 2, kWriteAlignBytes);
  // The exponent array keeps one entry per 16 original datums, used or not.
  if (is_block_float(f)) bytes += round_up(kTileElements / kExponentsPerBlock, kWriteAlignBytes);
  return bytes;
}

double expected_kept_datums_per_row(double density, uint32_t row_datums) {
  check_arguments(density, row_datums);
  const std::vector<double> distribution = kept_per_row_distribution(density, row_datums);
  double mean = 0.0;
  for (size_t kept = 0; kept < distribution.size(); ++kept) mean += double(kept) * distribution[kept];
  return mean;
}

double expected_compressed_tile_bytes(DataFormat f, double density, uint32_t row_datums) {
  check_arguments(density, row_datums);
  return compressed_header_bytes(f, row_datums) +
         expected_groups_per_tile(density, row_datums) * compressed_group_bytes(f);
}

uint64_t compressed_tile_bytes(DataFormat f, double density, uint32_t row_datums) {
  return uint64_t(std::llround(expected_compressed_tile_bytes(f, density, row_datums)));
}

double compression_ratio(DataFormat f, double density, uint32_t row_datums) {
  return tile_bytes(f) / expected_compressed_tile_bytes(f, density, row_datums);
}

uint64_t compressed_bytes(DataFormat f, uint64_t tiles, double density, uint32_t row_datums) {
  return uint64_t(std::llround(double(tiles) * expected_compressed_tile_bytes(f, density, row_datums)));
}

}  // namespace tessera
