#include "sim/config/config_checks.h"

#include <algorithm>
#include <set>

#include "sim/base/errors.h"

namespace tessera {

static std::string pos_text(GridPos p) { return "[" + std::to_string(p.x) + ", " + std::to_string(p.y) + "]"; }

void check_arch_config(const ArchConfig& a, const std::string& label) {
  std::set<GridPos> dram(a.dram.positions.begin(), a.dram.positions.end());
  if (dram.size() != a.dram.positions.size())
    throw input_error(label, "/dram/positions", "expected each DRAM channel at a different position");
  for (size_t i = 0; i < a.chip.unused_positions.size(); ++i)
    if (dram.count(a.chip.unused_positions[i]))
      throw input_error(label, "/chip/unused_positions/" + std::to_string(i),
                        "expected a position that is not also a DRAM channel, got " +
                            pos_text(a.chip.unused_positions[i]));

  // Ethernet cores are router-only positions of the chip grid, one per channel.
  const std::set<GridPos> unused(a.chip.unused_positions.begin(), a.chip.unused_positions.end());
  std::set<GridPos> ethernet;
  for (size_t i = 0; i < a.chip.ethernet_positions.size(); ++i) {
    const GridPos p = a.chip.ethernet_positions[i];
    const std::string where = "/chip/ethernet_positions/" + std::to_string(i);
    if (!unused.count(p))
      throw input_error(label, where, "expected one of chip.unused_positions (an Ethernet core routes but does not compute), got " + pos_text(p));
    if (!ethernet.insert(p).second)
      throw input_error(label, where, "expected each Ethernet channel at a different position, got " + pos_text(p) + " twice");
  }

  // The logical compute grid must fit the Tensix columns and rows the physical grid has.
  const auto cores = a.compute_cores();
  if (cores.size() != size_t(a.chip.compute_width) * a.chip.compute_height)
    throw input_error(label, "/chip/compute_grid",
                      "expected a compute grid that fits the chip's Tensix cores (" +
                          std::to_string(a.chip.compute_width) + "x" + std::to_string(a.chip.compute_height) +
                          " requested, only " + std::to_string(cores.size()) + " usable in that shape)");

  if (a.noc.topology != noc::Topology::mesh && a.noc.num_vcs < 2)
    throw input_error(label, "/noc/num_vcs",
                      "expected at least 2 virtual channels on a ring topology (dateline classes), got " +
                          std::to_string(a.noc.num_vcs));
  if (a.noc.num_vcs % 2 != 0 && a.noc.topology != noc::Topology::mesh)
    throw input_error(label, "/noc/num_vcs",
                      "expected an even number of virtual channels on a ring topology (two dateline classes), got " +
                          std::to_string(a.noc.num_vcs));
  if (a.noc.max_packet_bytes < a.noc.link_bytes_per_cycle)
    throw input_error(label, "/noc/max_packet_bytes",
                      "expected at least one flit (" + std::to_string(a.noc.link_bytes_per_cycle) + " bytes), got " +
                          std::to_string(a.noc.max_packet_bytes));
  // Tree multicast stays deadlock-free only because a multicast packet fits one VC buffer (see
  // noc/packetization.h); a buffer no longer than the header leaves no room for a single payload flit.
  if (a.noc.vc_buf_flits <= a.noc.header_flits)
    throw input_error(label, "/noc/vc_buf_flits",
                      "expected more flits than header_flits (" + std::to_string(a.noc.header_flits) +
                          "), so that a multicast packet with payload fits one VC buffer, got " +
                          std::to_string(a.noc.vc_buf_flits));
  if (a.core.sram_bytes() < 64 * 1024)
    throw input_error(label, "/core/sram_kib", "expected at least 64 KiB of SRAM per core, got " +
                                                    std::to_string(a.core.sram_kib));
}

}  // namespace tessera
