#include "sim/workload/graph.h"

namespace tessera {

int64_t Tensor::elements() const {
  int64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

}  // namespace tessera
