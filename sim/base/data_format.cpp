#include "sim/base/data_format.h"

namespace tessera {

const char* to_string(DataFormat f) {
  switch (f) {
    case DataFormat::fp32: return "fp32";
    case DataFormat::bf16: return "bf16";
    case DataFormat::fp16: return "fp16";
    case DataFormat::bfp8: return "bfp8";
    case DataFormat::bfp4: return "bfp4";
    case DataFormat::bfp2: return "bfp2";
  }
  return "?";
}

const char* to_string(Fidelity f) {
  switch (f) {
    case Fidelity::lofi: return "lofi";
    case Fidelity::hifi2: return "hifi2";
    case Fidelity::hifi3: return "hifi3";
    case Fidelity::hifi4: return "hifi4";
  }
  return "?";
}

std::optional<DataFormat> parse_data_format(const std::string& s) {
  for (DataFormat f : {DataFormat::fp32, DataFormat::bf16, DataFormat::fp16, DataFormat::bfp8, DataFormat::bfp4,
                       DataFormat::bfp2})
    if (s == to_string(f)) return f;
  return std::nullopt;
}

std::optional<Fidelity> parse_fidelity(const std::string& s) {
  for (Fidelity f : {Fidelity::lofi, Fidelity::hifi2, Fidelity::hifi3, Fidelity::hifi4})
    if (s == to_string(f)) return f;
  return std::nullopt;
}

}  // namespace tessera
