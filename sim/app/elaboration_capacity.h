#pragma once
// SystemC gives every thread process its own stack (SC_DEFAULT_STACK_SIZE, 256 KiB in Debian's build),
// reserved when the simulation starts. A large grid has thousands of them: 100x100 needs about 15 GB of
// address space, so under an address-space limit (ulimit -v) the reservation fails inside the kernel's
// start-up, where std::bad_alloc cannot be caught, and the run aborts. This check counts the elaborated
// thread processes and refuses the run first, with exit code 2.
#include <cstdint>
#include <string>

namespace tessera::app {

struct StackBudget {
  uint64_t threads = 0;           // thread processes in the elaborated design
  uint64_t bytes_needed = 0;      // their stacks
  uint64_t bytes_available = 0;   // what the address-space and data limits leave; UINT64_MAX when unlimited
};

// Counts the thread processes under every top-level object and compares their stacks with the limits.
StackBudget thread_stack_budget();

// Throws InputError naming chip.grid_width and chip.grid_height when the stacks do not fit.
void check_thread_stacks(int grid_width, int grid_height, size_t compute_cores);

}  // namespace tessera::app
