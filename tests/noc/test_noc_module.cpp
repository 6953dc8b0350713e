// The SystemC wrapper: messages sent from processes at given times are delivered at the cycles the model
// computes (same packet-model figures as test_scheduled_models.cpp), and the module does not disturb time.
#include <catch2/catch.hpp>

#include <systemc>

#include "noc/noc_module.h"

using namespace tessera::noc;
using sc_core::SC_NS;
using sc_core::sc_time;

namespace {

struct Sender : sc_core::sc_module {
  SC_HAS_PROCESS(Sender);
  Sender(sc_core::sc_module_name name, NocModule& noc, Message m, sc_time at)
      : sc_module(name), noc_(noc), message_(std::move(m)), at_(at) {
    SC_THREAD(run);
  }
  void run() {
    wait(at_);
    noc_.send(message_, &done_);
    wait(done_);
    delivered_at = sc_core::sc_time_stamp();
  }
  NocModule& noc_;
  Message message_;
  sc_time at_;
  sc_core::sc_event done_;
  sc_time delivered_at;
};

}  // namespace

TEST_CASE("NocModule delivers at the model's cycles while others run", "[noc][systemc]") {
  NocConfig c;
  c.width = 8;
  c.height = 8;
  c.fidelity = Fidelity::packet;
  NocModule noc("noc", make_noc_model(c), sc_time(1, SC_NS));
  Sender a("a", noc, Message{1, 0, {3}, 64}, sc_time(0, SC_NS));
  // B five cycles later waits for A on two links and the ejection port: 25 (see test_scheduled_models).
  Sender b("b", noc, Message{2, 1, {3}, 64}, sc_time(5, SC_NS));
  Sender late("late", noc, Message{3, 0, {3}, 64}, sc_time(1000, SC_NS));
  sc_core::sc_start();
  CHECK(a.delivered_at == sc_time(22, SC_NS));
  CHECK(b.delivered_at == sc_time(25, SC_NS));
  CHECK(late.delivered_at == sc_time(1022, SC_NS));
  CHECK(sc_core::sc_time_stamp() == sc_time(1022, SC_NS));  // nothing ticks after the last delivery
}

TEST_CASE("NocModule drives the flit model at zero load", "[noc][systemc][flit]") {
  NocConfig c;
  c.width = 8;
  c.height = 8;
  c.fidelity = Fidelity::flit;
  NocModule noc("noc", make_noc_model(c), sc_time(1, SC_NS));
  // (0,0) -> (3,0), 3 flits: 1 + 3 * 5 + 4 + 2 = 22 cycles, whenever it is sent.
  Sender a("a", noc, Message{1, 0, {3}, 64}, sc_time(0, SC_NS));
  Sender late("late", noc, Message{2, 0, {3}, 64}, sc_time(1000, SC_NS));
  sc_core::sc_start();
  CHECK(a.delivered_at == sc_time(22, SC_NS));
  CHECK(late.delivered_at == sc_time(1022, SC_NS));
}
