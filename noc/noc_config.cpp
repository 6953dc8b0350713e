#include "noc/noc_config.h"

namespace tessera::noc {

const char* to_string(Topology t) {
  switch (t) {
    case Topology::torus: return "torus";
    case Topology::tt_dual: return "tt_dual";
    case Topology::mesh: return "mesh";
  }
  return "unknown";
}

const char* to_string(Fidelity f) {
  switch (f) {
    case Fidelity::flit: return "flit";
    case Fidelity::packet: return "packet";
    case Fidelity::ideal: return "ideal";
  }
  return "unknown";
}

const char* to_string(NocSelect s) {
  switch (s) {
    case NocSelect::fixed: return "fixed";
    case NocSelect::shortest: return "shortest";
    case NocSelect::least_loaded: return "least_loaded";
  }
  return "unknown";
}

}  // namespace tessera::noc
