#pragma once
// A buffer in a core's SRAM as the chip sees it at run time: tiles pushed and popped, counted
// cumulatively, with the time each level was reached, so that a waiting engine can compute exactly when
// its inputs became ready even if it looks later.
#include <cstdint>
#include <string>
#include <vector>

#include <systemc>

namespace tessera {

class TileBuffer {
 public:
  // `changed` is shared by all the buffers of a core: waiters wake on any change and look again, which
  // costs less than one kernel event per buffer on chips with tens of thousands of buffers.
  TileBuffer(std::string name, uint64_t capacity_tiles, sc_core::sc_event& changed)
      : name_(std::move(name)), capacity_(capacity_tiles), changed_(&changed) {}

  // Claims room for tiles on their way (a read issued but not yet landed); push() turns them into tiles.
  void reserve(uint64_t tiles) { reserved_ += tiles; }
  void push(uint64_t tiles);
  void pop(uint64_t tiles);
  bool reached(uint64_t level) const { return pushed_ >= level; }
  // Simulated time at which the cumulative count first reached `level` (which must have been reached).
  sc_core::sc_time time_reached(uint64_t level) const;
  // Room for `tiles` more (always true for an unbounded buffer).
  bool has_room(uint64_t tiles) const {
    return capacity_ == 0 || pushed_ + reserved_ + tiles - popped_ <= capacity_;
  }
  sc_core::sc_event& changed() { return *changed_; }

  uint64_t pushed() const { return pushed_; }
  uint64_t popped() const { return popped_; }
  uint64_t capacity() const { return capacity_; }
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  uint64_t capacity_ = 0;
  uint64_t pushed_ = 0;
  uint64_t popped_ = 0;
  uint64_t reserved_ = 0;
  std::vector<std::pair<uint64_t, sc_core::sc_time>> levels_;  // (cumulative tiles, time) per push
  sc_core::sc_event* changed_;
};

}  // namespace tessera
