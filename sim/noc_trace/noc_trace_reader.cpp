// Reads tt-npe NoC traces. Every field is checked where it is used by the event's type; unknown keys are
// tolerated (the profiler adds some, e.g. kernel_start_delta), unknown types are not.
#include <fstream>
#include <sstream>
#include <utility>

#include <nlohmann/json.hpp>

#include "sim/base/errors.h"
#include "sim/noc_trace/noc_trace.h"

namespace tessera::noc_trace {
namespace {

using Json = nlohmann::json;

const std::pair<const char*, Action> kTypes[] = {
    {"READ", Action::read},
    {"READ_SET_STATE", Action::set_state},
    {"READ_SET_TRID", Action::set_state},
    {"READ_WITH_STATE", Action::read},
    {"READ_WITH_STATE_AND_TRID", Action::read},
    {"READ_BARRIER_START", Action::read_barrier},
    {"READ_BARRIER_END", Action::barrier_end},
    {"READ_BARRIER_WITH_TRID", Action::read_barrier},
    {"READ_DRAM_SHARDED_SET_STATE", Action::set_state},
    {"READ_DRAM_SHARDED_WITH_STATE", Action::read},
    {"WRITE", Action::write},
    {"WRITE_WITH_TRID", Action::write},
    {"WRITE_INLINE", Action::write},
    {"WRITE_MULTICAST", Action::write_multicast},
    {"WRITE_SET_STATE", Action::set_state},
    {"WRITE_WITH_STATE", Action::write},
    {"WRITE_WITH_TRID_SET_STATE", Action::set_state},
    {"WRITE_WITH_TRID_WITH_STATE", Action::write},
    {"WRITE_BARRIER_START", Action::write_barrier},
    {"WRITE_BARRIER_END", Action::barrier_end},
    {"WRITE_BARRIER_WITH_TRID", Action::write_barrier},
    {"WRITE_FLUSH", Action::write_flush},
    {"FULL_BARRIER", Action::full_barrier},
    {"ATOMIC_BARRIER", Action::atomic_barrier},
    {"SEMAPHORE_INC", Action::atomic},
    {"SEMAPHORE_WAIT", Action::unmodelled},
    {"SEMAPHORE_SET", Action::local},
};

class EventReader {
 public:
  EventReader(const Json& j, const std::string& file, int index) : j_(j), file_(file), index_(index) {}

  std::string path(const std::string& key) const { return "[" + std::to_string(index_) + "]" + (key.empty() ? "" : "." + key); }
  [[noreturn]] void fail(const std::string& key, const std::string& what) const { throw input_error(file_, path(key), what); }
  bool has(const char* key) const { return j_.contains(key); }

  int64_t integer(const char* key, int64_t lo, int64_t hi, bool required, int64_t fallback) const {
    auto it = j_.find(key);
    if (it == j_.end()) {
      if (required) fail(key, "missing; expected an integer");
      return fallback;
    }
    if (!it->is_number_integer()) fail(key, "expected an integer, got " + it->dump());
    const int64_t v = it->is_number_unsigned() && it->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)
                          ? INT64_MAX : it->get<int64_t>();
    if (v < lo || v > hi) fail(key, "expected an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got " + it->dump());
    return v;
  }
  std::string string(const char* key, bool required) const {
    auto it = j_.find(key);
    if (it == j_.end()) {
      if (required) fail(key, "missing; expected a string");
      return "";
    }
    if (!it->is_string()) fail(key, "expected a string, got " + it->dump());
    return it->get<std::string>();
  }

 private:
  const Json& j_;
  const std::string& file_;
  int index_;
};

constexpr int64_t kMaxCoord = 1 << 16;

NocEvent read_event(const Json& j, const std::string& file, int index) {
  EventReader r(j, file, index);
  if (!j.is_object()) r.fail("", "expected an event object, got " + j.dump().substr(0, 40));
  if (r.has("src_device_id") || r.has("dst_device_id") || r.has("fabric_send"))
    r.fail(r.has("src_device_id") ? "src_device_id" : r.has("dst_device_id") ? "dst_device_id" : "fabric_send",
           "a multi-chip (fabric) trace; replay it on a system: tessera noc-trace TRACE --system S "
           "(docs/systems.md)");
  NocEvent e;
  e.index = index;
  e.timestamp = static_cast<uint64_t>(r.integer("timestamp", 0, INT64_MAX, true, 0));
  e.proc = r.string("proc", false);
  if (r.has("zone")) {
    e.type = r.string("zone", true);
    e.action = Action::marker;
    e.sx = static_cast<int>(r.integer("sx", -1, kMaxCoord, false, -1));
    e.sy = static_cast<int>(r.integer("sy", -1, kMaxCoord, false, -1));
    return e;
  }
  e.type = r.string("type", true);
  if (e.type.rfind("FABRIC_", 0) == 0)
    r.fail("type", e.type + " is a multi-chip (fabric) event; replay the trace on a system: tessera noc-trace "
                   "TRACE --system S (docs/systems.md)");
  if (!action_of(e.type, e.action)) r.fail("type", "unknown event type \"" + e.type + "\" (see tt-npe's noc_trace_format.md)");
  if (e.proc.empty()) r.fail("proc", "missing; expected the issuing RISC-V (BRISC, NCRISC)");
  e.sx = static_cast<int>(r.integer("sx", 0, kMaxCoord, true, 0));
  e.sy = static_cast<int>(r.integer("sy", 0, kMaxCoord, true, 0));
  const std::string noc = r.string("noc", true);
  if (noc != "NOC_0" && noc != "NOC_1") r.fail("noc", "expected \"NOC_0\" or \"NOC_1\", got \"" + noc + "\"");
  e.noc = noc == "NOC_1" ? 1 : 0;
  e.vc = static_cast<int>(r.integer("vc", -1, 15, false, -1));
  e.dx = static_cast<int>(r.integer("dx", -1, kMaxCoord, false, -1));
  e.dy = static_cast<int>(r.integer("dy", -1, kMaxCoord, false, -1));
  if ((e.dx < 0) != (e.dy < 0)) r.fail(e.dx < 0 ? "dx" : "dy", "dx and dy must both be given (or both -1)");
  const char* mk[] = {"mcast_start_x", "mcast_start_y", "mcast_end_x", "mcast_end_y"};
  int* mv[] = {&e.mcast_x0, &e.mcast_y0, &e.mcast_x1, &e.mcast_y1};
  int given = 0;
  for (int k = 0; k < 4; ++k) {
    *mv[k] = static_cast<int>(r.integer(mk[k], -1, kMaxCoord, false, -1));
    given += *mv[k] >= 0;
  }
  if (given != 0 && given != 4) r.fail("mcast_start_x", "a multicast needs all of mcast_start_x/y and mcast_end_x/y");
  if (given == 0) e.mcast_x0 = e.mcast_y0 = e.mcast_x1 = e.mcast_y1 = -1;
  const bool transfer = e.action == Action::read || e.action == Action::write || e.action == Action::write_multicast;
  e.num_bytes = static_cast<uint64_t>(r.integer("num_bytes", 0, int64_t(1) << 40, transfer, 0));
  const bool with_state = e.type.find("WITH_STATE") != std::string::npos;
  if (e.type == "WRITE_INLINE" && e.num_bytes == 0) e.num_bytes = 4;  // one 32-bit word
  if (transfer && e.num_bytes == 0 && !with_state) r.fail("num_bytes", "a transfer needs num_bytes > 0");
  if ((e.action == Action::read || e.action == Action::write || e.action == Action::atomic) && !with_state &&
      !e.has_target())
    r.fail("dx", e.type + " needs its target core: dx and dy");
  if (e.action == Action::write_multicast && !e.has_mcast())
    r.fail("mcast_start_x", "WRITE_MULTICAST needs mcast_start_x/y and mcast_end_x/y");
  return e;
}

}  // namespace

bool action_of(const std::string& type, Action& action) {
  for (const auto& [name, a] : kTypes)
    if (type == name) {
      action = a;
      return true;
    }
  return false;
}

uint64_t golden_cycles(const NocTrace& trace) {
  const uint64_t span = trace.last_timestamp - trace.first_timestamp;
  return span > kKernelEndOffsetCycles ? span - kKernelEndOffsetCycles : 0;
}

NocTrace parse_noc_trace(const std::string& text, const std::string& label) {
  Json j;
  try {
    j = Json::parse(text);
  } catch (const Json::parse_error& e) {
    throw input_error(label, "", std::string("not valid JSON: ") + e.what());
  }
  if (!j.is_array()) throw input_error(label, "", "expected a JSON array of NoC events (tt-npe's noc trace format)");
  NocTrace t;
  t.file = label;
  t.events.reserve(j.size());
  for (size_t i = 0; i < j.size(); ++i) t.events.push_back(read_event(j[i], label, static_cast<int>(i)));
  bool any_transfer = false;
  for (size_t i = 0; i < t.events.size(); ++i) {
    const NocEvent& e = t.events[i];
    t.first_timestamp = i == 0 ? e.timestamp : std::min(t.first_timestamp, e.timestamp);
    t.last_timestamp = i == 0 ? e.timestamp : std::max(t.last_timestamp, e.timestamp);
    any_transfer |= e.action != Action::marker;
  }
  if (!any_transfer) throw input_error(label, "", "the trace has no NoC events (only zone markers or nothing)");
  return t;
}

NocTrace read_noc_trace(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot open the NoC trace");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_noc_trace(text.str(), path);
}

}  // namespace tessera::noc_trace
