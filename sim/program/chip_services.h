#pragma once
// What a core's engines may ask of the chip around them: buffers on any core, the NoC, the DRAM channels
// and the activity recorder. Implemented by the Chip; engines never see each other directly.
#include <cstdint>
#include <functional>
#include <vector>

#include <systemc>

#include "sim/program/tile_buffer.h"
#include "sim/program/work.h"

namespace tessera {

// A span of time an engine was busy with an op; reports, utilisation and the timeline read these.
enum class Engine { reader, reshape, unpack, math, pack, writer, dram, compress };
constexpr int kEngineCount = 8;
const char* to_string(Engine e);

struct Activity {
  int unit = 0;        // core index, or DRAM channel for Engine::dram
  Engine engine = Engine::math;
  int op = -1;
  uint64_t start = 0;  // cycles
  uint64_t end = 0;
};

// The reshape engine as the compute pipeline sees it: a block's gather becomes ready at `ready`; the
// engine fits it into its own schedule, records its busy time and says when it ran.
struct StageSpan {
  uint64_t start = 0;
  uint64_t end = 0;
};

class GatherPort {
 public:
  virtual ~GatherPort() = default;
  virtual StageSpan gather(int op, const ReshapeWork& work, uint64_t ready) = 0;
};

class ChipServices {
 public:
  virtual ~ChipServices() = default;
  virtual TileBuffer& buffer(int core, int index) = 0;
  // Sends `bytes` from a core (or a DRAM channel, see dram_node) to cores; runs `on_delivered` when every
  // destination has the data.
  virtual void send(int src_node, const std::vector<int>& dst_cores, uint64_t bytes,
                    std::function<void()> on_delivered) = 0;
  virtual int core_node(int core) const = 0;
  virtual int dram_node(int channel) const = 0;
  // Books `bytes` on a DRAM channel starting no earlier than now; returns the cycle the data is ready.
  virtual uint64_t dram_read(int channel, uint64_t bytes, int op) = 0;
  virtual uint64_t dram_write(int channel, uint64_t bytes, int op) = 0;
  virtual uint64_t now_cycle() const = 0;
  virtual sc_core::sc_time cycles(uint64_t n) const = 0;
  virtual void record(const Activity& a) = 0;
};

}  // namespace tessera
