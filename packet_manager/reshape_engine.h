#pragma once
// The packet manager's reshape engine as a block of its own: im2col gathers, transposes, flattens and
// tilize/untilize stream through it at its own rate (decompressing compressed input on the way), while the
// compute engine works on earlier blocks. The compute pipeline hands it each block's gather through its
// GatherPort; the engine keeps its own clock, so gathers queue behind each other, never behind compute.
#include <systemc>

#include "packet_manager/packet_manager_config.h"
#include "sim/program/chip_services.h"

namespace tessera {

class ReshapeEngine : public sc_core::sc_module, public GatherPort {
 public:
  ReshapeEngine(sc_core::sc_module_name name, int core, const PacketManagerConfig& config, ChipServices& chip);

  StageSpan gather(int op, const ReshapeWork& work, uint64_t ready) override;

  uint64_t busy_cycles() const { return busy_; }
  uint64_t bytes() const { return bytes_; }

 private:
  int core_;
  PacketManagerConfig config_;
  ChipServices& chip_;
  uint64_t free_at_ = 0;  // the cycle the engine finishes its last gather
  uint64_t busy_ = 0;
  uint64_t bytes_ = 0;
};

}  // namespace tessera
