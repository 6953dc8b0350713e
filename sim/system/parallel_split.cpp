#include "sim/system/parallel_split.h"

#include <algorithm>

#include "sim/base/errors.h"
#include "sim/system/fabric_routing.h"

namespace tessera::system {

SystemWorkload split_for_system(const SystemConfig& s, const nlohmann::json& trace, const Graph& graph,
                                const std::string& file, Parallel mode) {
  if (graph.version >= 2)
    throw InputError(file + ": /version: expected a version-1 trace for a multi-chip run (a version-2 trace is a "
                     "profile of one chip's run, its placement fixed), got 2");
  switch (mode) {
    case Parallel::data: return split_data(s, trace, graph, file);
    case Parallel::tensor: return split_tensor(s, trace, graph, file);
    case Parallel::expert: return split_expert(s, trace, graph, file);
    case Parallel::pipeline: return split_pipeline(s, trace, graph, file);
  }
  return {};
}

Collective system_collective(const SystemConfig& s, CollectiveOp op, uint64_t bytes_per_chip, DataFormat dtype,
                             const std::string& where) {
  Collective c;
  c.op = op;
  c.chips = s.num_chips();
  c.dtype = dtype;
  c.bytes_per_chip = bytes_per_chip;
  c.where = where;
  const std::vector<int> chain = snake_devices(s, c.chips, false, where);
  const bool ring = c.chips >= 3 && !links_between(s, chain.back(), chain.front()).empty();
  c.topology = ring ? Topology1d::ring : Topology1d::line;
  int links = 1 << 30;
  for (size_t i = 0; i + 1 < chain.size() + (ring ? 1 : 0); ++i)
    links = std::min(links, int(links_between(s, chain[i], chain[(i + 1) % chain.size()]).size()));
  c.links = chain.size() > 1 ? std::max(1, links) : 1;
  c.packet_bytes = std::min(c.packet_bytes, s.ethernet.max_payload_bytes);
  return c;
}

}  // namespace tessera::system
