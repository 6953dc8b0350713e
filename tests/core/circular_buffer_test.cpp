// Circular buffers between SystemC threads. Each case that simulates calls sc_start once; threads are
// spawned inside the case and time is measured from the case's own start, so the cases also pass when
// run one after another in a single process.
#define SC_INCLUDE_DYNAMIC_PROCESSES
#include <systemc>

#include <catch2/catch.hpp>

#include <stdexcept>
#include <vector>

#include "core/circular_buffer.h"

using namespace tessera;
using sc_core::sc_time;
using sc_core::SC_NS;

namespace {

double ns_since(const sc_time& start) { return (sc_core::sc_time_stamp() - start) / sc_time(1, SC_NS); }

}  // namespace

TEST_CASE("producer and consumer through a 2-tile buffer run at the slow consumer pace", "[core][cb]") {
  // Producer: reserve 1 slot, 10 ns to make the tile, push. Consumer: wait for 1 tile, 30 ns to use it,
  // pop. 6 tiles, 2 slots.
  //   Consumer takes tile k from 10 + 30k to 40 + 30k (tile 0 is ready at 10, and every later tile is
  //   pushed before the consumer asks for it), so the last tile (k = 5) ends at 40 + 150 = 190 ns.
  //   Producer: tiles 0 and 1 pushed at 10 and 20; then the buffer is full (tile 0 is popped only when the
  //   consumer is done with it), so tile k >= 2 starts when tile k-2 is popped, at 40 + 30(k-2), and is
  //   pushed 10 ns later: 50, 80, 110, 140.
  CircularBuffer cb("cb.test", 2, 2048);
  const sc_time start = sc_core::sc_time_stamp();
  constexpr int kTiles = 6;
  std::vector<double> push_times;
  double consumer_done = -1;

  sc_core::sc_spawn([&] {
    for (int i = 0; i < kTiles; ++i) {
      cb.reserve_back(1);
      sc_core::wait(10, SC_NS);
      cb.push_back(1);
      push_times.push_back(ns_since(start));
    }
  });
  sc_core::sc_spawn([&] {
    for (int i = 0; i < kTiles; ++i) {
      cb.wait_front(1);
      sc_core::wait(30, SC_NS);
      cb.pop_front(1);
    }
    consumer_done = ns_since(start);
  });
  sc_core::sc_start();

  CHECK(consumer_done == Approx(190.0));
  CHECK(push_times == std::vector<double>{10, 20, 50, 80, 110, 140});
  CHECK(cb.tiles_pushed() == kTiles);
  CHECK(cb.tiles_popped() == kTiles);
  CHECK(cb.peak_occupancy() == 2);
  CHECK(cb.available_tiles() == 0);
  CHECK(cb.free_tiles() == 2);
}

TEST_CASE("unpack math and pack overlap so the slowest stage sets the makespan", "[core][cb]") {
  // Three threads joined only by 2-tile buffers: unpack 10 ns/tile -> cb_in -> math 25 ns/tile -> cb_out ->
  // pack 15 ns/tile, 8 tiles. Each stage waits for its input tile and for space for its output, works,
  // pushes the output and pops the input.
  //   Math is the slowest stage. Tile 0 is unpacked by 10; math then runs back to back, tile k ending at
  //   35 + 25k: unpack refills a slot 10 ns after math pops one, well before math needs it, and pack frees
  //   its slot 15 ns after taking a tile, before math's next push. Pack takes tile k from 35 + 25k to
  //   50 + 25k, so the last tile (k = 7) leaves at 50 + 175 = 225 ns
  //   = unpack 10 + 8 x math 25 + pack 15, against 8 x (10 + 25 + 15) = 400 ns run one after another.
  CircularBuffer cb_in("cb.in", 2, 2048);
  CircularBuffer cb_out("cb.out", 2, 1088);
  const sc_time start = sc_core::sc_time_stamp();
  constexpr int kTiles = 8;
  double pack_done = -1;

  sc_core::sc_spawn([&] {
    for (int i = 0; i < kTiles; ++i) {
      cb_in.reserve_back(1);
      sc_core::wait(10, SC_NS);
      cb_in.push_back(1);
    }
  });
  sc_core::sc_spawn([&] {
    for (int i = 0; i < kTiles; ++i) {
      cb_in.wait_front(1);
      cb_out.reserve_back(1);
      sc_core::wait(25, SC_NS);
      cb_out.push_back(1);
      cb_in.pop_front(1);
    }
  });
  sc_core::sc_spawn([&] {
    for (int i = 0; i < kTiles; ++i) {
      cb_out.wait_front(1);
      sc_core::wait(15, SC_NS);
      cb_out.pop_front(1);
    }
    pack_done = ns_since(start);
  });
  sc_core::sc_start();

  CHECK(pack_done == Approx(225.0));
  CHECK(pack_done < 400.0);
  CHECK(cb_in.tiles_popped() == kTiles);
  CHECK(cb_out.tiles_popped() == kTiles);
  // Pack keeps up with math, so its buffer never holds more than one tile.
  CHECK(cb_out.peak_occupancy() == 1);
  CHECK(cb_in.peak_occupancy() == 2);
}

TEST_CASE("requests that can never be met are reported naming the buffer", "[core][cb]") {
  CircularBuffer cb("cb.weights", 2, 1088);
  CHECK(cb.capacity_bytes() == 2176);
  // These throw before any waiting, so no simulation is needed.
  CHECK_THROWS_WITH(cb.reserve_back(3), Catch::Contains("cb.weights"));
  CHECK_THROWS_WITH(cb.reserve_back(3), Catch::Contains("capacity is 2 tiles"));
  CHECK_THROWS_AS(cb.wait_front(5), std::logic_error);
  CHECK_THROWS_AS(cb.pop_front(1), std::logic_error);
  cb.push_back(2);
  CHECK_THROWS_AS(cb.push_back(1), std::logic_error);
  CHECK(cb.available_tiles() == 2);
  CHECK_THROWS_AS(CircularBuffer("cb.empty", 0, 2048), std::logic_error);
}
