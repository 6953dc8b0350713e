#pragma once
// Zero-run-length compression as the packers write it (format in docs/core.md, "Compression"):
//   [16-bit row-start index per row + 1, padded to 16 B]
//   [BFP only: one 8-bit exponent per 16 original datums, padded to 16 B]
//   [groups of 32 kept ("augmented") datums: the datums padded to 16 B, then 32 4-bit zeros-after counters]
// A datum is kept if it is non-zero, first or last in its row, or the 16th zero of a run (the 4-bit counter
// of the previous kept datum only counts 15). Dense data therefore grows.
//
// Sizes are expectations for a 32x32 tile whose datums are non-zero independently with probability
// `density`; they are exact (the distribution of kept datums is computed, not sampled).
#include <cstdint>

#include "sim/base/data_format.h"

namespace tessera {

// Datums per compression row: each row's first and last datum are always kept and the row-start index has
// one 16-bit entry per row. The pack program decides it; 64 (16 rows per tile) is an estimate.
constexpr uint32_t kDefaultCompressionRowDatums = 64;
// Largest zero run one counter describes; the next zero is stored as a datum.
constexpr uint32_t kMaxZerosPerCounter = 15;
constexpr uint32_t kDatumsPerGroup = 32;

// Bits of one stored datum (the mantissa/sign for BFP formats; the exponent lives in its own section).
uint32_t compressed_datum_bits(DataFormat f);
// Bytes of one group of 32 kept datums and their counters.
uint32_t compressed_group_bytes(DataFormat f);
// Bytes before the first group: row-start indices and (BFP) the exponent section.
uint32_t compressed_header_bytes(DataFormat f, uint32_t row_datums = kDefaultCompressionRowDatums);

// Expected number of kept datums in one row of `row_datums` at this density.
double expected_kept_datums_per_row(double density, uint32_t row_datums = kDefaultCompressionRowDatums);
// Expected bytes of a compressed 32x32 tile, before rounding.
double expected_compressed_tile_bytes(DataFormat f, double density,
                                      uint32_t row_datums = kDefaultCompressionRowDatums);
// The same, rounded to whole bytes.
uint64_t compressed_tile_bytes(DataFormat f, double density, uint32_t row_datums = kDefaultCompressionRowDatums);
// tile_bytes(f) / expected compressed bytes: above 1 saves, below 1 (dense data) grows.
double compression_ratio(DataFormat f, double density, uint32_t row_datums = kDefaultCompressionRowDatums);
// Expected bytes of `tiles` compressed tiles.
uint64_t compressed_bytes(DataFormat f, uint64_t tiles, double density,
                          uint32_t row_datums = kDefaultCompressionRowDatums);

}  // namespace tessera
