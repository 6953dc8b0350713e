#pragma once
// Replays a NoC trace on Tessera's NoC model, NIUs and DRAM channels. Two ways to issue the calls:
//  recorded: each call at its recorded timestamp (tt-npe's method); the models decide when data lands and
//            when each barrier ends;
//  engine:   only each RISC-V's order is kept; calls issue as fast as the data-movement engine
//            (packet_manager/data_movement_engine.h) allows: issue cost, read credits, barrier waits.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sim/config/arch_config.h"
#include "sim/noc_trace/noc_trace.h"

namespace tessera::noc_trace {

enum class IssueMode { recorded, engine };
const char* to_string(IssueMode mode);

struct TransferSpan {
  int event = 0;          // index in the trace
  std::string type;
  std::string proc;
  int sx = 0, sy = 0;     // issuing core
  int tx = 0, ty = 0;     // target (a multicast's first corner)
  int noc = 0;
  uint64_t bytes = 0;
  uint64_t issued = 0;    // cycles from the trace's first timestamp
  uint64_t done = 0;      // read landed / write acknowledged
};

struct IssuerFinish {
  int x = 0, y = 0;
  std::string proc;
  uint64_t finish = 0;    // modelled time of its last event, cycles from the first timestamp
};

struct NiuUse {
  int x = 0, y = 0, noc = 0;
  uint64_t transfers = 0;
  uint64_t bytes = 0;
  uint64_t busy_cycles = 0;        // cycles with at least one transfer outstanding
  uint32_t peak_outstanding_reads = 0;
};

struct LinkUse {
  std::string name;     // "noc0.link.1_2.east"
  uint64_t flits = 0;
  uint64_t busy_cycles = 0;
};

struct ReplayResult {
  IssueMode mode = IssueMode::recorded;
  uint64_t predicted_cycles = 0;
  uint64_t golden_cycles = 0;
  double error = 0;                 // (predicted - golden) / golden
  uint64_t last_landing_cycles = 0; // when the last transfer completed (may follow the last event)
  uint64_t noc_events = 0;
  std::map<std::string, uint64_t> unmodelled;  // event type -> count
  std::vector<IssuerFinish> issuers;
  std::vector<NiuUse> nius;
  std::vector<LinkUse> links;
  std::vector<TransferSpan> transfers;
};

// Throws InputError (naming the trace file and "[i].field") when a coordinate is outside the config's grid.
ReplayResult replay_noc_trace(const NocTrace& trace, const ArchConfig& config, IssueMode mode);

}  // namespace tessera::noc_trace
