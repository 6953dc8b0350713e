#pragma once
// One constructor per fidelity; make_noc_model() (noc_model_factory.cpp) picks by name.
#include <memory>

#include "noc/noc_model.h"

namespace tessera::noc {

std::unique_ptr<NocModel> make_ideal_noc_model(const NocConfig& config);
std::unique_ptr<NocModel> make_packet_noc_model(const NocConfig& config);
std::unique_ptr<NocModel> make_flit_noc_model(const NocConfig& config);

}  // namespace tessera::noc
