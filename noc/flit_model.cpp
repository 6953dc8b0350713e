#include <stdexcept>

#include "noc/model_factories.h"

namespace tessera::noc {

std::unique_ptr<NocModel> make_flit_noc_model(const NocConfig&) {
  throw std::invalid_argument("the flit-level NoC model is not available yet; use fidelity packet or ideal");
}

}  // namespace tessera::noc
