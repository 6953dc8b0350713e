#include "sim/mapper/conv_algorithm.h"

#include <stdexcept>

namespace tessera {

const std::vector<ConvStrategy>& conv_strategies() {
  // `auto` compares them in this order and keeps the first of equal estimates: direct wins ties (it builds
  // no patch matrix).
  static const std::vector<ConvStrategy> strategies = {direct_strategy(), im2col_strategy(), winograd2_strategy(),
                                                       winograd4_strategy()};
  return strategies;
}

const ConvStrategy& conv_strategy(ConvAlgorithm a) {
  static const ConvStrategy sliding_window = sliding_window_strategy();
  if (a == ConvAlgorithm::sliding_window) return sliding_window;
  for (const ConvStrategy& s : conv_strategies())
    if (s.id == a) return s;
  throw std::logic_error(std::string("no conv strategy registered for ") + to_string(a));
}

}  // namespace tessera
