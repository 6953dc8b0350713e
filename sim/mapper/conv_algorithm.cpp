#include "sim/mapper/conv_algorithm.h"

#include <stdexcept>

namespace tessera {

const char* to_string(ConvAlgorithm a) {
  switch (a) {
    case ConvAlgorithm::im2col: return "im2col";
    case ConvAlgorithm::winograd2: return "winograd2";
    case ConvAlgorithm::winograd4: return "winograd4";
    case ConvAlgorithm::direct: return "direct";
  }
  return "?";
}

ConvAlgorithm parse_conv_algorithm(const std::string& s) {
  if (s == "im2col") return ConvAlgorithm::im2col;
  if (s == "winograd2") return ConvAlgorithm::winograd2;
  if (s == "winograd4") return ConvAlgorithm::winograd4;
  if (s == "direct") return ConvAlgorithm::direct;
  throw std::invalid_argument("unknown conv algorithm " + s);
}

bool winograd_eligible(const ConvGeometry& c) {
  return !c.transposed && c.kh == 3 && c.kw == 3 && c.sh == 1 && c.sw == 1 && c.dh == 1 && c.dw == 1 && c.groups == 1;
}

int winograd_m(ConvAlgorithm a) { return a == ConvAlgorithm::winograd4 ? 4 : 2; }

// F(2x2,3x3): 4 ops x 4 columns + 4 ops x 4 rows = 32 adds in, 24 adds out.
// F(4x4,3x3): 12 instructions per 6-point 1-D transform x 12 = 144 in; 10 per 1-D output transform x
// (6 + 4) = 100 out.
int winograd_input_transform_ops(ConvAlgorithm a) { return a == ConvAlgorithm::winograd4 ? 144 : 32; }
int winograd_output_transform_ops(ConvAlgorithm a) { return a == ConvAlgorithm::winograd4 ? 100 : 24; }

}  // namespace tessera
