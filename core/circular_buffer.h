#pragma once
// A circular buffer of tiles in a core's SRAM, shared by the SC_THREADs of one core (data movement,
// unpack, math, pack). Same protocol as tt-metal's CBs: the producer reserves space at the back, fills it
// and pushes; the consumer waits for tiles at the front, uses them and pops. Blocking calls wait on
// events, never poll.
#include <cstdint>
#include <string>

#include <systemc>

namespace tessera {

class CircularBuffer {
 public:
  CircularBuffer(std::string name, uint32_t capacity_tiles, uint32_t tile_bytes);

  // Producer side: block until `n` slots are free, then (after filling them) make `n` tiles visible.
  void reserve_back(uint32_t n);
  void push_back(uint32_t n);
  // Consumer side: block until `n` tiles are available, then (after using them) free their slots.
  void wait_front(uint32_t n);
  void pop_front(uint32_t n);

  uint32_t free_tiles() const { return capacity_tiles_ - occupied_; }
  uint32_t available_tiles() const { return occupied_; }
  uint64_t tiles_pushed() const { return tiles_pushed_; }
  uint64_t tiles_popped() const { return tiles_popped_; }
  uint32_t peak_occupancy() const { return peak_occupancy_; }

  const std::string& name() const { return name_; }
  uint32_t capacity_tiles() const { return capacity_tiles_; }
  uint32_t tile_bytes() const { return tile_bytes_; }
  uint64_t capacity_bytes() const { return uint64_t(capacity_tiles_) * tile_bytes_; }

 private:
  // A request for more tiles than the buffer holds would block forever: report it instead.
  void check_fits(const char* call, uint32_t n) const;

  std::string name_;
  uint32_t capacity_tiles_;
  uint32_t tile_bytes_;
  uint32_t occupied_ = 0;
  uint64_t tiles_pushed_ = 0;
  uint64_t tiles_popped_ = 0;
  uint32_t peak_occupancy_ = 0;
  sc_core::sc_event tiles_pushed_event_;
  sc_core::sc_event slots_freed_event_;
};

}  // namespace tessera
