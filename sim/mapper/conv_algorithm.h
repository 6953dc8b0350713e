#pragma once
// Conv lowerings the mapper can choose, each a strategy in its own file under sim/mapper/conv/ and
// registered here by name: im2col + matmul (the reshape engine gathers patches), Winograd F(2x2,3x3) and
// F(4x4,3x3) (transforms on the vector unit, batched matmuls on the matrix unit, filters transformed
// offline), direct (shifted 1x1 matmuls accumulated in place) and tt-metal's sliding window. Costs follow docs/mapping.md.
#include <string>
#include <vector>

#include "sim/config/mapper_choices.h"
#include "sim/mapper/matmul_shape.h"
#include "sim/workload/matrix_view.h"
#include "sim/workload/op_shapes.h"

namespace tessera {

struct ConvStrategy {
  ConvAlgorithm id;
  const char* name;
  const char* requirement;  // what a layer needs for it, for notes ("3x3, stride 1, no groups")
  bool (*eligible)(const ConvGeometry& c);
  // The matmul a core runs for output region `out` (rows: output pixels of all images, cols: channels).
  MatmulShape (*shape)(const ConvGeometry& c, const Region& out);
};

// The eligibility of a strategy that runs any conv.
inline bool any_conv(const ConvGeometry&) { return true; }

// Every strategy, in the order `auto` tries them (ties go to the first).
const std::vector<ConvStrategy>& conv_strategies();
const ConvStrategy& conv_strategy(ConvAlgorithm a);

// The strategies' own definitions (sim/mapper/conv/*.cpp).
ConvStrategy im2col_strategy();
ConvStrategy direct_strategy();
ConvStrategy winograd2_strategy();
ConvStrategy winograd4_strategy();
// tt-metal's conv2d program: what op by op runs (never chosen by `auto`, which asks what the hardware
// could do with a compiler of its own).
ConvStrategy sliding_window_strategy();

}  // namespace tessera
