#pragma once
// A collective trace (scripts/gen_collective.py): one or more collectives run one after another on a
// system. Read and checked here; which chips and cores take part is decided against a system
// (collective_algorithms.h).
#include <cstdint>
#include <string>
#include <vector>

#include "sim/base/data_format.h"

namespace tessera::system {

enum class CollectiveOp { all_gather, reduce_scatter, all_reduce, all_to_all, send_recv };
enum class Topology1d { line, ring };
const char* to_string(CollectiveOp op);
const char* to_string(Topology1d t);

struct Collective {
  CollectiveOp op = CollectiveOp::all_gather;
  int chips = 2;
  Topology1d topology = Topology1d::line;
  int links = 1;                 // links (routing planes) per neighbouring pair the collective uses
  uint64_t bytes_per_chip = 0;   // all_gather: each chip's input; the others: each chip's whole buffer
  DataFormat dtype = DataFormat::bf16;
  int packet_bytes = 4352;       // payload per fabric packet
  std::vector<int> devices;      // device ids in collective order; empty: the system's first `chips` devices
  // all_to_all only, set by the mapper (not in a trace file): bytes from the chip at each position of the
  // collective order to the chip at each other position; empty: bytes_per_chip / chips to each.
  std::vector<std::vector<uint64_t>> piece_bytes;
  std::string where;             // "trace.json: /collectives/0" for error messages
};

struct CollectiveTrace {
  std::string name;
  std::string file;
  std::vector<Collective> collectives;
};

// Throws InputError naming the file and the JSON path.
CollectiveTrace read_collective_trace(const std::string& path);

}  // namespace tessera::system
