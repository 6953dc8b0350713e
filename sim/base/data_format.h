#pragma once
// Data formats and math fidelities, and what a 32x32 tile of each costs in bytes.
#include <cstdint>
#include <optional>
#include <string>

namespace tessera {

constexpr int kTileDim = 32;
constexpr int kTileElements = kTileDim * kTileDim;

enum class DataFormat { fp32, bf16, fp16, bfp8, bfp4, bfp2 };
enum class Fidelity { lofi, hifi2, hifi3, hifi4 };

// Bytes of one 32x32 tile: block-float formats add a 64 B exponent section (one exponent per 16 values).
inline uint32_t tile_bytes(DataFormat f) {
  switch (f) {
    case DataFormat::fp32: return 4096;
    case DataFormat::bf16: return 2048;
    case DataFormat::fp16: return 2048;
    case DataFormat::bfp8: return 1088;
    case DataFormat::bfp4: return 576;
    case DataFormat::bfp2: return 320;
  }
  return 2048;
}

// Bits of one element before any shared exponent: used for untiled tensors (DRAM rows, NoC payloads).
inline double bytes_per_element(DataFormat f) { return tile_bytes(f) / double(kTileElements); }

// Multiplier passes the matrix unit makes per product: LoFi 1, HiFi2 2, HiFi3 3, HiFi4 4.
inline int fidelity_phases(Fidelity f) { return static_cast<int>(f) + 1; }

const char* to_string(DataFormat f);
const char* to_string(Fidelity f);
std::optional<DataFormat> parse_data_format(const std::string& s);
std::optional<Fidelity> parse_fidelity(const std::string& s);

}  // namespace tessera
