#include "packet_manager/data_movement_engine.h"

#include <algorithm>

namespace tessera {

double engine_read_bytes_per_cycle(const DataMovementEngineConfig& config, uint64_t page_bytes,
                                   uint64_t round_trip_cycles) {
  const double page = static_cast<double>(std::max<uint64_t>(1, page_bytes));
  const double issue_rate = page / std::max<uint32_t>(1, config.riscv_issue_cycles);
  const double credit_rate = page * config.niu_read_credits / static_cast<double>(std::max<uint64_t>(1, round_trip_cycles));
  return std::min(issue_rate, credit_rate);
}

}  // namespace tessera
