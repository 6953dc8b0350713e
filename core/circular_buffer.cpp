#include "core/circular_buffer.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace tessera {

CircularBuffer::CircularBuffer(std::string name, uint32_t capacity_tiles, uint32_t tile_bytes)
    : name_(std::move(name)), capacity_tiles_(capacity_tiles), tile_bytes_(tile_bytes) {
  if (capacity_tiles_ == 0) throw std::logic_error("circular buffer '" + name_ + "' has no capacity");
}

void CircularBuffer::check_fits(const char* call, uint32_t n) const {
  if (n > capacity_tiles_) {
    throw std::logic_error("circular buffer '" + name_ + "': " + call + "(" + std::to_string(n) +
                           ") can never be met, capacity is " + std::to_string(capacity_tiles_) + " tiles");
  }
}

void CircularBuffer::reserve_back(uint32_t n) {
  check_fits("reserve_back", n);
  while (free_tiles() < n) sc_core::wait(slots_freed_event_);
}

void CircularBuffer::push_back(uint32_t n) {
  if (n > free_tiles()) {
    throw std::logic_error("circular buffer '" + name_ + "': push_back(" + std::to_string(n) + ") with only " +
                           std::to_string(free_tiles()) + " free slots");
  }
  occupied_ += n;
  tiles_pushed_ += n;
  peak_occupancy_ = std::max(peak_occupancy_, occupied_);
  // Delta notification: every waiter wakes in the next delta cycle and re-checks its own condition.
  tiles_pushed_event_.notify(sc_core::SC_ZERO_TIME);
}

void CircularBuffer::wait_front(uint32_t n) {
  check_fits("wait_front", n);
  while (available_tiles() < n) sc_core::wait(tiles_pushed_event_);
}

void CircularBuffer::pop_front(uint32_t n) {
  if (n > available_tiles()) {
    throw std::logic_error("circular buffer '" + name_ + "': pop_front(" + std::to_string(n) + ") with only " +
                           std::to_string(available_tiles()) + " tiles available");
  }
  occupied_ -= n;
  tiles_popped_ += n;
  slots_freed_event_.notify(sc_core::SC_ZERO_TIME);
}

}  // namespace tessera
