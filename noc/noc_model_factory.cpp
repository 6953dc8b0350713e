#include <stdexcept>
#include <string>

#include "noc/model_factories.h"

namespace tessera::noc {

std::unique_ptr<NocModel> make_noc_model(const NocConfig& config) {
  if (config.width <= 0 || config.height <= 0)
    throw std::invalid_argument("NoC grid must be at least 1x1, got " + std::to_string(config.width) + "x" +
                                std::to_string(config.height));
  switch (config.fidelity) {
    case Fidelity::ideal: return make_ideal_noc_model(config);
    case Fidelity::packet: return make_packet_noc_model(config);
    case Fidelity::flit: return make_flit_noc_model(config);
  }
  throw std::invalid_argument("unknown NoC fidelity");
}

}  // namespace tessera::noc
