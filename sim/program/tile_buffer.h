#pragma once
// A buffer in a core's SRAM as the chip sees it at run time: tiles pushed and popped, counted
// cumulatively, with the time each level was reached, so that a waiting engine can compute exactly when
// its inputs became ready even if it looks later. It also keeps the tiles it holds (reserved or landed,
// less those popped or released) and reports every change in bytes to its core's ResidencyMeter, so that
// the chip measures how much SRAM the run really occupied, independently of what the mapper planned.
#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <systemc>

namespace tessera {

// Bytes one core's buffers hold right now, and the most they held at once. `before_add` runs before
// bytes are added (the chip frees there what is due), so that nothing is counted as held beside data
// already dead; the meter itself never touches the simulation.
class ResidencyMeter {
 public:
  std::function<void()> before_add;
  void add(double bytes) {
    if (before_add) before_add();
    now_ += bytes;
    peak_ = std::max(peak_, now_);
  }
  void remove(double bytes) { now_ -= bytes; }
  double now() const { return now_; }
  double peak() const { return peak_; }

 private:
  double now_ = 0;
  double peak_ = 0;
};

class TileBuffer {
 public:
  // `changed` is shared by all the buffers of a core: waiters wake on any change and look again, which
  // costs less than one kernel event per buffer on chips with tens of thousands of buffers.
  TileBuffer(std::string name, uint64_t capacity_tiles, sc_core::sc_event& changed)
      : name_(std::move(name)), capacity_(capacity_tiles), changed_(&changed) {}

  // Claims room for tiles on their way (a read issued but not yet landed); push() turns them into tiles.
  void reserve(uint64_t tiles);
  void push(uint64_t tiles);
  void pop(uint64_t tiles);
  // Resident accounting: `meter` hears of every byte the buffer takes or frees, at `bytes_per_tile` as
  // stored (compressed data and skipped all-zero tiles store fewer bytes than whole tiles).
  void attach(ResidencyMeter* meter, double bytes_per_tile) {
    meter_ = meter;
    bytes_per_tile_ = bytes_per_tile;
  }
  // Frees what the buffer still holds once nobody will read it again; tiles pushed later pass through.
  void release();
  // Frees `tiles` already sent on and read by nobody else (accounting only: the level counts stay).
  void drain(uint64_t tiles);
  // Tiles held now: reserved or landed, not yet popped or released.
  uint64_t resident_tiles() const { return released_ ? 0 : pushed_ + reserved_ - popped_ - drained_; }
  bool released() const { return released_; }
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
  uint64_t drained_ = 0;
  bool released_ = false;
  ResidencyMeter* meter_ = nullptr;
  double bytes_per_tile_ = 0;
  void take(uint64_t tiles) { if (meter_) meter_->add(double(tiles) * bytes_per_tile_); }
  void free(uint64_t tiles) { if (meter_) meter_->remove(double(tiles) * bytes_per_tile_); }
  std::vector<std::pair<uint64_t, sc_core::sc_time>> levels_;  // (cumulative tiles, time) per push
  sc_core::sc_event* changed_;
};

}  // namespace tessera
