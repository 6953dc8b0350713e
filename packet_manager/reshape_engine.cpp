#include "packet_manager/reshape_engine.h"

#include <algorithm>

#include "packet_manager/reshaper.h"

namespace tessera {

ReshapeEngine::ReshapeEngine(sc_core::sc_module_name name, int core, const PacketManagerConfig& config,
                             ChipServices& chip)
    : sc_module(name), core_(core), config_(config), chip_(chip) {}

StageSpan ReshapeEngine::gather(int op, const ReshapeWork& work, uint64_t ready) {
  const uint64_t cycles = reshape_engine_cycles(config_, work);
  StageSpan span;
  span.start = std::max(ready, free_at_);
  span.end = span.start + cycles;
  free_at_ = span.end;
  busy_ += cycles;
  bytes_ += work.bytes;
  if (cycles) chip_.record({core_, Engine::reshape, op, span.start, span.end});
  return span;
}

}  // namespace tessera
