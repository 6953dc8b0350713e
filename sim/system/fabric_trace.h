#pragma once
// A multi-chip NoC + fabric trace (tt-npe's format with src_device_id, dst_device_id and fabric_send, one
// clock for all devices) split into one single-chip NoC trace per device, checked against a system:
// every device id is one of the system's, every fabric write leaves through an Ethernet core of its
// device and follows links the system has.
//
// A FABRIC_UNICAST_WRITE becomes, on its sending device, the NoC write it makes there: from the sending
// core into the first Ethernet core of its path (payload + the 1-D fabric header), on the path's first
// NoC (the payload: the header is the trace's own 32 B WRITE_ to the same Ethernet core that follows,
// and after it the worker's slot-pointer update, an inline write the tracer does not record, is added).
// The rest of its journey (Ethernet hops, the routers' NoC writes on the far devices) is done by
// the routers' RISC-Vs, whose events the trace does not hold, so it adds to no device's measured span.
// WRITE_ (a unicast write as tt-metal's fabric kernels name it) replays as WRITE.
#include <string>
#include <vector>

#include "sim/noc_trace/noc_trace.h"
#include "sim/system/system_config.h"

namespace tessera::system {

struct DeviceTrace {
  int device = 0;
  noc_trace::NocTrace trace;
  int fabric_writes = 0;       // FABRIC_UNICAST_WRITEs this device sent
  uint64_t fabric_bytes = 0;   // their payload
  int slot_pointer_writes = 0; // router slot-pointer updates added after the fabric writes' headers
};

struct FabricTrace {
  std::string file;
  std::vector<DeviceTrace> devices;  // by device id, only devices with events
  int markers_without_device = 0;    // zone markers with no device id: not in any device's span
};

// Throws InputError naming the file and "[i].field".
FabricTrace read_fabric_trace(const std::string& path, const SystemConfig& system);

// Checks a tt-metal topology file (the trace's topology.json) against the system: each of its
// inter_device_channel_pairs must be a link of the system, and its eth_chan_to_coord must match each
// chip's ethernet_positions. Throws InputError naming the file and the JSON path.
void check_fabric_topology(const std::string& path, const SystemConfig& system);

}  // namespace tessera::system
