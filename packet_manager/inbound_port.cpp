#include "packet_manager/inbound_port.h"

#include <algorithm>

namespace tessera {

static uint64_t ceil_div(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

InboundPort::InboundPort(uint64_t bytes_per_cycle, uint64_t link_bytes_per_cycle)
    : rate_(std::max<uint64_t>(bytes_per_cycle, 1)), link_rate_(std::max<uint64_t>(link_bytes_per_cycle, 1)) {}

uint64_t InboundPort::land(uint64_t arrival, uint64_t bytes) {
  const uint64_t carried = ceil_div(bytes, link_rate_);  // the packet streamed in over this many cycles
  const uint64_t writing = ceil_div(bytes, rate_);
  const uint64_t first_byte = arrival > carried ? arrival - carried : 0;
  const uint64_t start = std::max(first_byte, free_at_);
  free_at_ = start + writing;
  busy_ += writing;
  bytes_ += bytes;
  return std::max(arrival, free_at_);
}

}  // namespace tessera
