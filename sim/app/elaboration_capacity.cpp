#include "sim/app/elaboration_capacity.h"

#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <vector>

#include <systemc>

#include "sim/base/errors.h"

namespace tessera::app {
namespace {

uint64_t count_threads(const std::vector<sc_core::sc_object*>& objects) {
  uint64_t n = 0;
  for (const sc_core::sc_object* o : objects) {
    const std::string kind = o->kind();
    if (kind == "sc_thread_process" || kind == "sc_cthread_process") ++n;
    n += count_threads(o->get_child_objects());
  }
  return n;
}

// Bytes of address space the process holds now (/proc/self/statm's first field is pages).
uint64_t address_space_in_use() {
  std::ifstream statm("/proc/self/statm");
  uint64_t pages = 0;
  statm >> pages;
  return pages * uint64_t(::sysconf(_SC_PAGESIZE));
}

uint64_t soft_limit(int resource) {
  struct rlimit r {};
  if (::getrlimit(resource, &r) != 0 || r.rlim_cur == RLIM_INFINITY) return UINT64_MAX;
  return uint64_t(r.rlim_cur);
}

std::string mib(uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f MiB", double(bytes) / (1024.0 * 1024.0));
  return buf;
}

}  // namespace

StackBudget thread_stack_budget() {
  StackBudget b;
  b.threads = count_threads(sc_core::sc_get_top_level_objects());
  // Each stack is rounded to pages and gets a guard page.
  const uint64_t page = uint64_t(::sysconf(_SC_PAGESIZE));
  const uint64_t stack = (uint64_t(sc_core::SC_DEFAULT_STACK_SIZE) + page - 1) / page * page + page;
  b.bytes_needed = b.threads * stack;
  const uint64_t limit = std::min(soft_limit(RLIMIT_AS), soft_limit(RLIMIT_DATA));
  const uint64_t used = address_space_in_use();
  b.bytes_available = limit == UINT64_MAX ? UINT64_MAX : (limit > used ? limit - used : 0);
  return b;
}

void check_thread_stacks(int grid_width, int grid_height, size_t compute_cores) {
  const StackBudget b = thread_stack_budget();
  if (b.bytes_needed <= b.bytes_available) return;
  throw InputError("chip.grid_width x chip.grid_height = " + std::to_string(grid_width) + "x" +
                   std::to_string(grid_height) + " (" + std::to_string(compute_cores) + " compute cores) needs " +
                   mib(b.bytes_needed) + " of address space for its " + std::to_string(b.threads) +
                   " SystemC thread stacks (" + std::to_string(sc_core::SC_DEFAULT_STACK_SIZE / 1024) +
                   " KiB each), but the process limit (ulimit -v / -d) leaves only " + mib(b.bytes_available) +
                   ": use a smaller grid or raise the limit");
}

}  // namespace tessera::app
