// Speed of the flit-level NoC: simulated cycles and flit-hops per second on tori of growing size under
// uniform traffic, set up as BookSim2's speed runs (reference/booksim speed.csv): 2 VCs x 8 flits,
// BookSim2's router delays and 2-cycle torus links, one 20,000-cycle warm-up period and 20,000 measured
// cycles. Also an almost idle network: one packet every 100,000 cycles for 10^8 cycles.
//
// usage: noc_bench [case]   (no case: all; cases: torus8_p4_0.1 torus8_p4_0.2 torus16_p4_0.1
//                            torus16_p4_0.02 torus32_p4_0.05 torus32_p4_0.01 torus8_p1_0.001 sparse)
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "noc/flit/flit_network.h"
#include "noc/traffic/synthetic_run.h"

using namespace tessera::noc;

namespace {

struct Case {
  const char* name;
  int k;
  int packet_flits;
  double rate;
};

const Case kCases[] = {
    {"torus8_p4_0.1", 8, 4, 0.1},     {"torus8_p4_0.2", 8, 4, 0.2},     {"torus16_p4_0.02", 16, 4, 0.02},
    {"torus16_p4_0.1", 16, 4, 0.1},   {"torus32_p4_0.01", 32, 4, 0.01}, {"torus32_p4_0.05", 32, 4, 0.05},
    {"torus8_p1_0.001", 8, 1, 0.001},
};

NocConfig booksim_torus(int k) {
  NocConfig c;
  c.width = c.height = k;
  c.topology = Topology::torus;
  c.fidelity = Fidelity::flit;
  c.num_vcs = 2;
  c.vc_buf_flits = 8;
  c.delays.link = 2;
  c.injection_latency = 1;
  c.ejection_latency = 2;
  return c;
}

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec) + u.ru_utime.tv_usec * 1e-6 + static_cast<double>(u.ru_stime.tv_sec) +
         u.ru_stime.tv_usec * 1e-6;
}

long peak_rss_kb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

void run_case(const Case& c) {
  SyntheticSetup s;
  s.network = booksim_torus(c.k);
  s.traffic = "uniform";
  s.packet_flits = c.packet_flits;
  s.injection_rate = c.rate;
  s.warmup_periods = 1;
  s.sample_period = 20000;
  s.fixed_cycles = 20000;
  s.seed = 1;
  const double cpu0 = cpu_seconds();
  const auto wall0 = std::chrono::steady_clock::now();
  SyntheticResult r = run_synthetic(s);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  const double cpu = cpu_seconds() - cpu0;
  // BookSim2's speed.csv counts nodes x accepted rate x average hops (routers, = links + 1) x cycles.
  const double booksim_flit_hops =
      c.k * c.k * r.accepted_flits_per_node_cycle * r.avg_hops * static_cast<double>(r.simulated_cycles);
  std::printf("%-16s %6llu cycles %7.3f s wall %7.3f s cpu %9.0f cycles/s  link flit-hops/s %9.0f (cpu) %9.0f (wall)"
              "  BookSim-formula flit-hops/s %9.0f (cpu)  %6ld KB peak  latency %.2f accepted %.4f%s\n",
              c.name, static_cast<unsigned long long>(r.simulated_cycles), wall, cpu, r.simulated_cycles / cpu,
              r.flit_hops / cpu, r.flit_hops / wall, booksim_flit_hops / cpu, peak_rss_kb(), r.avg_packet_latency,
              r.accepted_flits_per_node_cycle, r.unstable ? " UNSTABLE" : "");
}

void run_sparse() {
  // One 4-flit packet every 100,000 cycles between opposite corners of an 8x8 torus, for 10^8 cycles.
  flit::FlitNetwork net(booksim_torus(8));
  const double cpu0 = cpu_seconds();
  const auto wall0 = std::chrono::steady_clock::now();
  uint64_t delivered = 0;
  for (uint64_t t = 0; t < 100000000; t += 100000) {
    net.enqueue_packet(0, 0, {36}, 4, t, 0, 0);
    net.run_until(t + 99999, false);
    delivered += net.retired().size();
    net.retired().clear();
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  std::printf("%-18s %8d cycles %9.3f s wall %9.3f s cpu  %llu packets, %llu cycles stepped, %ld KB peak\n", "sparse",
              100000000, wall, cpu_seconds() - cpu0, static_cast<unsigned long long>(delivered),
              static_cast<unsigned long long>(net.simulated_cycles()), peak_rss_kb());
}

}  // namespace

int main(int argc, char** argv) {
  const char* only = argc > 1 ? argv[1] : nullptr;
  bool ran = false;
  for (const Case& c : kCases) {
    if (only && std::strcmp(only, c.name) != 0) continue;
    run_case(c);
    ran = true;
  }
  if (!only || std::strcmp(only, "sparse") == 0) {
    run_sparse();
    ran = true;
  }
  if (!ran) {
    std::fprintf(stderr, "noc_bench: unknown case %s\n", only);
    return 2;
  }
  return 0;
}
