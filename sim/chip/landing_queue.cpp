#include "sim/chip/landing_queue.h"

#include <cmath>

namespace tessera {

LandingQueue::LandingQueue(sc_core::sc_module_name name, sc_core::sc_time period) : sc_module(name), period_(period) {
  SC_METHOD(release);
  sensitive << wake_;
  dont_initialize();
}

uint64_t LandingQueue::now() const { return static_cast<uint64_t>(std::llround(sc_core::sc_time_stamp() / period_)); }

void LandingQueue::at(uint64_t cycle, std::function<void()> done) {
  due_.push({cycle, next_order_++, std::move(done)});
  const uint64_t t = now();
  wake_.notify(period_ * double(due_.top().cycle > t ? due_.top().cycle - t : 0));
}

void LandingQueue::release() {
  const uint64_t t = now();
  while (!due_.empty() && due_.top().cycle <= t) {
    std::function<void()> done = due_.top().done;
    due_.pop();
    done();
  }
  if (!due_.empty()) wake_.notify(period_ * double(due_.top().cycle - t));
}

}  // namespace tessera
