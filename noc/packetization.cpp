#include "noc/packetization.h"

#include <algorithm>
#include <stdexcept>

namespace tessera::noc {

std::vector<uint32_t> packet_flit_counts(const NocConfig& config, uint64_t bytes, bool multicast) {
  if (config.link_bytes_per_cycle <= 0 || config.max_packet_bytes <= 0)
    throw std::invalid_argument("NoC link_bytes_per_cycle and max_packet_bytes must be positive");
  const uint64_t flit = static_cast<uint64_t>(config.link_bytes_per_cycle);
  uint64_t max_payload = static_cast<uint64_t>(config.max_packet_bytes);
  if (multicast) {
    // A multicast packet longer than a VC buffer would let tree branches wait on each other (deadlock).
    if (config.vc_buf_flits <= config.header_flits)
      throw std::invalid_argument("NoC vc_buf_flits must exceed header_flits for a multicast packet to fit one VC buffer");
    const int payload_flits = config.vc_buf_flits - config.header_flits;
    max_payload = std::min(max_payload, static_cast<uint64_t>(payload_flits) * flit);
  }
  std::vector<uint32_t> out;
  do {
    uint64_t payload = std::min(bytes, max_payload);
    out.push_back(static_cast<uint32_t>((payload + flit - 1) / flit + static_cast<uint64_t>(config.header_flits)));
    bytes -= payload;
  } while (bytes > 0);
  return out;
}

}  // namespace tessera::noc
