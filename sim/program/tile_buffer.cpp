#include "sim/program/tile_buffer.h"

#include <algorithm>
#include <stdexcept>

namespace tessera {

void TileBuffer::reserve(uint64_t tiles) {
  reserved_ += tiles;
  if (!released_) take(tiles);
}

void TileBuffer::push(uint64_t tiles) {
  pushed_ += tiles;
  const uint64_t claimed = std::min(reserved_, tiles);  // room reserved for them is already counted
  reserved_ -= claimed;
  if (released_) {
    // Nobody reads these any more (release freed any room reserved for them): they occupy SRAM only for
    // the moment they land.
    take(tiles);
    free(tiles);
  } else {
    take(tiles - claimed);
  }
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  if (!levels_.empty() && levels_.back().second == now) levels_.back().first = pushed_;
  else levels_.emplace_back(pushed_, now);
  changed_->notify(sc_core::SC_ZERO_TIME);
}

void TileBuffer::pop(uint64_t tiles) {
  if (popped_ + tiles > pushed_)
    throw std::logic_error("buffer " + name_ + ": popping " + std::to_string(tiles) + " tiles but only " +
                           std::to_string(pushed_ - popped_) + " are there");
  popped_ += tiles;
  if (!released_) free(tiles);
  changed_->notify(sc_core::SC_ZERO_TIME);
}

void TileBuffer::release() {
  if (released_) return;
  free(resident_tiles());
  released_ = true;
}

void TileBuffer::drain(uint64_t tiles) {
  if (released_) return;
  tiles = std::min(tiles, resident_tiles());
  drained_ += tiles;
  free(tiles);
}

sc_core::sc_time TileBuffer::time_reached(uint64_t level) const {
  if (level == 0) return sc_core::SC_ZERO_TIME;
  auto it = std::lower_bound(levels_.begin(), levels_.end(), level,
                             [](const auto& entry, uint64_t l) { return entry.first < l; });
  if (it == levels_.end()) throw std::logic_error("buffer " + name_ + ": level not reached yet");
  return it->second;
}

}  // namespace tessera
