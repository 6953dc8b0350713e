// How far the packet and ideal NoC models depart from the flit model: the same synthetic messages (uniform
// traffic, Bernoulli injection, 4-flit packets = 96 bytes + 1 header flit) through each fidelity's NocModel
// on BookSim2's 8x8 torus, reporting mean and 99th-percentile latency and the time each model takes.
//
// usage: noc_fidelity [cycles]   (default 20000)
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <tuple>
#include <vector>

#include "noc/noc_model.h"

using namespace tessera::noc;

namespace {

NocConfig booksim_torus(Fidelity f) {
  NocConfig c;
  c.width = c.height = 8;
  c.topology = Topology::torus;
  c.fidelity = f;
  c.num_vcs = 2;
  c.vc_buf_flits = 8;
  c.delays.link = 2;
  c.injection_latency = 1;
  c.ejection_latency = 2;
  c.link_bytes_per_cycle = 32;
  c.header_flits = 1;
  return c;
}

struct Outcome {
  double mean = 0, p99 = 0, seconds = 0;
};

Outcome run(Fidelity f, double rate, uint64_t cycles) {
  auto model = make_noc_model(booksim_torus(f));
  const int nodes = 64, packet_flits = 4;
  std::mt19937_64 rng(5);
  std::geometric_distribution<uint64_t> gap(rate / packet_flits);
  // All messages first, in creation order, so every fidelity sees the same ones.
  std::vector<std::tuple<uint64_t, int, int>> messages;  // cycle, src, dst
  for (int n = 0; n < nodes; ++n)
    for (uint64_t t = gap(rng); t < cycles; t += 1 + gap(rng)) messages.emplace_back(t, n, static_cast<int>(rng() % nodes));
  std::sort(messages.begin(), messages.end());
  std::vector<uint64_t> created(messages.size());
  std::vector<Delivery> delivered;
  const auto start = std::chrono::steady_clock::now();
  for (size_t i = 0; i < messages.size(); ++i) {
    auto [t, src, dst] = messages[i];
    model->advance_to(t, delivered, false);
    created[i] = t;
    model->inject(Message{i, src, {dst}, 32 * (packet_flits - 1)}, t);
  }
  model->advance_to(kNever - 1, delivered, false);
  Outcome o;
  o.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::vector<uint64_t> latency;
  for (const Delivery& d : delivered) latency.push_back(d.cycle - created[d.id]);
  std::sort(latency.begin(), latency.end());
  double sum = 0;
  for (uint64_t l : latency) sum += static_cast<double>(l);
  o.mean = latency.empty() ? 0 : sum / static_cast<double>(latency.size());
  o.p99 = latency.empty() ? 0 : static_cast<double>(latency[latency.size() * 99 / 100]);
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const uint64_t cycles = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 20000;
  std::printf("rate  | flit mean p99 time | packet mean p99 time (mean vs flit) | ideal mean p99 time (mean vs flit)\n");
  for (double rate : {0.002, 0.02, 0.1, 0.15, 0.2, 0.25}) {
    Outcome flit = run(Fidelity::flit, rate, cycles);
    Outcome packet = run(Fidelity::packet, rate, cycles);
    Outcome ideal = run(Fidelity::ideal, rate, cycles);
    std::printf("%.2f | %7.2f %5.0f %6.3fs | %7.2f %5.0f %6.3fs (%+6.1f%%) | %7.2f %5.0f %6.3fs (%+6.1f%%)\n", rate,
                flit.mean, flit.p99, flit.seconds, packet.mean, packet.p99, packet.seconds,
                100 * (packet.mean / flit.mean - 1), ideal.mean, ideal.p99, ideal.seconds,
                100 * (ideal.mean / flit.mean - 1));
  }
  return 0;
}
