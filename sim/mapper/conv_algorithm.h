#pragma once
// Conv lowerings the mapper can choose: im2col + matmul (the reshape engine gathers patches), Winograd
// F(2x2,3x3) and F(4x4,3x3) (transforms on the vector unit, batched matmuls on the matrix unit, filters
// transformed offline) and direct (shifted 1x1 matmuls accumulated in place). Costs follow
// docs/mapping.md.
#include <string>

#include "sim/workload/op_shapes.h"

namespace tessera {

enum class ConvAlgorithm { im2col, winograd2, winograd4, direct };

const char* to_string(ConvAlgorithm a);
ConvAlgorithm parse_conv_algorithm(const std::string& s);  // not "auto"

// Winograd needs a 3x3 kernel, stride 1, dilation 1 and no groups.
bool winograd_eligible(const ConvGeometry& c);

// Output tile size m of F(m x m, 3 x 3), and the transformed tile size alpha = m + 2.
int winograd_m(ConvAlgorithm a);

// Vector-unit instructions per (tile, channel) for the input transform B^T d B and per (tile, output
// channel) for the output transform A^T M A, with common subexpressions shared (see docs/mapping.md).
int winograd_input_transform_ops(ConvAlgorithm a);
int winograd_output_transform_ops(ConvAlgorithm a);

}  // namespace tessera
