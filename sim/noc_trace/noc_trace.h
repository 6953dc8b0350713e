#pragma once
// A tt-metal NoC trace (tt-npe's format): a flat JSON array with one object per noc_async_* call of a
// kernel, plus profiler zone markers. Coordinates are physical NoC coordinates; timestamps are device
// cycles. See docs/validation.md ("NoC traces against silicon").
#include <cstdint>
#include <string>
#include <vector>

namespace tessera::noc_trace {

// What an event makes the replay do; several trace types share one action.
enum class Action {
  marker,          // profiler zone: only its timestamp counts (it bounds the measured span)
  read,            // read from (dx,dy) into the issuing core
  write,           // unicast write to (dx,dy)
  write_multicast, // write to every core of the multicast rectangle
  atomic,          // semaphore increment at (dx,dy): a small request and an acknowledgement
  set_state,       // programs a command buffer for later *_WITH_STATE calls; no transfer
  local,           // a call that touches only the issuing core (semaphore set)
  read_barrier,    // *_BARRIER_START / WITH_TRID: wait until this NIU's reads have landed
  write_barrier,   // wait until this NIU's writes are acknowledged
  write_flush,     // wait until this NIU's writes have left (modelled as: have arrived)
  full_barrier,    // reads, writes and atomics
  atomic_barrier,  // atomics
  barrier_end,     // *_BARRIER_END: when the barrier started just before it returned
  unmodelled,      // counted and named in the output (SEMAPHORE_WAIT: another core's progress)
};

struct NocEvent {
  int index = 0;            // position in the file's array, for messages
  std::string type;         // the trace's type, or the zone name for a marker
  Action action = Action::marker;
  std::string proc;         // BRISC, NCRISC, ...
  int sx = -1, sy = -1;     // issuing core
  int noc = 0;              // 0 = NOC_0, 1 = NOC_1
  int vc = -1;              // -1 when undefined (read, not used: the NoC model picks VCs)
  int dx = -1, dy = -1;     // unicast target, -1 when absent
  int mcast_x0 = -1, mcast_y0 = -1, mcast_x1 = -1, mcast_y1 = -1;  // multicast rectangle, -1 when absent
  uint64_t num_bytes = 0;
  uint64_t timestamp = 0;
  bool has_target() const { return dx >= 0 && dy >= 0; }
  bool has_mcast() const { return mcast_x0 >= 0; }
};

struct NocTrace {
  std::string file;
  std::vector<NocEvent> events;  // in file order
  uint64_t first_timestamp = 0;
  uint64_t last_timestamp = 0;
};

// The measured duration as tt-npe defines it: last minus first timestamp of the file, minus the
// kernel-end offset (cycles between the last NoC event and the kernel's end).
constexpr uint64_t kKernelEndOffsetCycles = 20;
uint64_t golden_cycles(const NocTrace& trace);

// Reads and checks `path`. Bad input throws InputError naming the file and the JSON path ("[12].num_bytes");
// a multi-chip (fabric) trace is refused.
NocTrace read_noc_trace(const std::string& path);
NocTrace parse_noc_trace(const std::string& text, const std::string& label);

// The action of a trace type; false when the type is not in the format.
bool action_of(const std::string& type, Action& action);

}  // namespace tessera::noc_trace
