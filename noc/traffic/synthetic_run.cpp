#include "noc/traffic/synthetic_run.h"

#include <cmath>
#include <random>
#include <stdexcept>
#include <vector>

#include "noc/traffic/traffic_pattern.h"

namespace tessera::noc {
namespace {

constexpr uint32_t kWarmupTag = 0;
constexpr uint32_t kMeasuredTag = 1;

// Bernoulli generation at every node: the next generation cycle of each node, drawn as geometric gaps,
// which is the same process as one coin per node per cycle but costs nothing on idle cycles.
class PacketSource {
 public:
  PacketSource(const SyntheticSetup& s, flit::FlitNetwork& net)
      : setup_(s), net_(net), rng_(s.seed), grid_(net.networks()[0].grid) {
    pattern_ = find_traffic_pattern(s.traffic);
    std::string why;
    if (!pattern_ || !traffic_pattern_fits(s.traffic, grid_, &why)) throw std::invalid_argument(why);
    double p = s.injection_rate_uses_flits ? s.injection_rate / s.packet_flits : s.injection_rate;
    if (!(p > 0) || p > 1) throw std::invalid_argument("injection rate must give a packet probability in (0, 1]");
    gap_ = std::geometric_distribution<uint64_t>(p);
    next_.resize(grid_.nodes());
    for (uint64_t& n : next_) n = gap_(rng_);
  }

  // tt_dual: the network with the shorter path (NoC0 on a tie).
  int pick_network(int src, int dst) const {
    const auto& nets = net_.networks();
    int best = 0;
    for (int n = 1; n < static_cast<int>(nets.size()); ++n)
      if (hop_count(nets[n], src, dst) < hop_count(nets[best], src, dst)) best = n;
    return best;
  }

  uint64_t generated(uint32_t tag) const { return generated_[tag]; }

  // Queues every packet created in [from, to).
  void generate(uint64_t from, uint64_t to, uint32_t tag) {
    for (int node = 0; node < grid_.nodes(); ++node) {
      uint64_t& next = next_[node];
      if (next < from) next = from;
      while (next < to) {
        int dst = pattern_(node, grid_, rng_);
        net_.enqueue_packet(pick_network(node, dst), node, {dst}, static_cast<uint32_t>(setup_.packet_flits), next,
                            static_cast<unsigned>(rng_() >> 62), tag);
        ++generated_[tag];
        next += 1 + gap_(rng_);
      }
    }
  }

 private:
  const SyntheticSetup& setup_;
  flit::FlitNetwork& net_;
  std::mt19937_64 rng_;
  Grid grid_;
  TrafficPattern pattern_ = nullptr;
  std::geometric_distribution<uint64_t> gap_;
  std::vector<uint64_t> next_;
  uint64_t generated_[2] = {0, 0};
};

struct MeasuredSums {
  double packet_latency = 0, network_latency = 0, hops = 0;
  uint64_t packets = 0;

  void add(const std::vector<flit::RetiredPacket>& retired) {
    for (const flit::RetiredPacket& r : retired) {
      if (r.tag != kMeasuredTag) continue;
      packet_latency += static_cast<double>(r.delivered - r.created);
      network_latency += static_cast<double>(r.delivered - r.injected);
      hops += r.hops + 1.0;
      ++packets;
    }
  }
  double avg_latency() const { return packets ? packet_latency / packets : 0; }
};

}  // namespace

SyntheticResult run_synthetic(const SyntheticSetup& setup) {
  if (setup.packet_flits < 1) throw std::invalid_argument("packet size must be at least 1 flit");
  if (setup.sample_period < 1) throw std::invalid_argument("sample period must be at least 1 cycle");
  flit::FlitNetwork net(setup.network, setup.options);
  PacketSource source(setup, net);
  const double nodes = setup.network.width * setup.network.height;
  const uint64_t period = static_cast<uint64_t>(setup.sample_period);
  SyntheticResult result;
  result.offered_flits_per_node_cycle =
      setup.injection_rate_uses_flits ? setup.injection_rate : setup.injection_rate * setup.packet_flits;

  uint64_t t = 0;
  auto run_period = [&](uint64_t cycles, uint32_t tag, MeasuredSums& sums) {
    // Generate and simulate in slices so that the source queues hold little beyond the present.
    const uint64_t end = t + cycles;
    while (t < end) {
      uint64_t slice_end = std::min(end, t + 100);
      source.generate(t, slice_end, tag);
      net.run_until(slice_end - 1, false);
      sums.add(net.retired());
      net.retired().clear();
      t = slice_end;
    }
  };

  MeasuredSums warmup, measured;  // sums count measured packets only, whenever they retire
  for (int w = 0; w < setup.warmup_periods; ++w) run_period(period, kWarmupTag, warmup);

  const uint64_t measure_start = t;
  const uint64_t ejected_before = net.ejected_flits();
  int phases = setup.warmup_periods;
  int converged = 0;
  double previous_latency = 0, previous_accepted = 0;
  for (;;) {
    if (setup.fixed_cycles > 0) {
      run_period(setup.fixed_cycles, kMeasuredTag, measured);
    } else {
      run_period(period, kMeasuredTag, measured);
      ++phases;
    }
    const double accepted =
        static_cast<double>(net.ejected_flits() - ejected_before) / (nodes * static_cast<double>(t - measure_start));
    result.accepted_flits_per_node_cycle = accepted;
    const double latency = measured.avg_latency();
    if (latency > setup.latency_threshold) {
      result.unstable = true;
      break;
    }
    if (setup.fixed_cycles > 0) break;
    const double threshold = setup.convergence_threshold;
    const bool settled = latency > 0 && std::fabs(latency - previous_latency) / latency < threshold &&
                         accepted > 0 && std::fabs(accepted - previous_accepted) / accepted < threshold;
    converged = settled ? converged + 1 : 0;
    previous_latency = latency;
    previous_accepted = accepted;
    if (converged >= 3 || phases >= setup.max_samples) break;
  }

  if (!result.unstable) {
    // Drain: keep the offered load on, without measuring new packets, until every measured packet is out.
    const uint64_t drain_limit = t + 20 * period + static_cast<uint64_t>(10 * setup.latency_threshold);
    while (measured.packets < source.generated(kMeasuredTag)) {
      if (t >= drain_limit) {
        result.unstable = true;
        break;
      }
      run_period(100, kWarmupTag, measured);
    }
    if (measured.avg_latency() > setup.latency_threshold) result.unstable = true;
  }
  result.avg_packet_latency = measured.avg_latency();
  result.avg_network_latency = measured.packets ? measured.network_latency / measured.packets : 0;
  result.avg_hops = measured.packets ? measured.hops / measured.packets : 0;
  result.measured_packets = measured.packets;
  result.simulated_cycles = t;
  result.flit_hops = net.flit_hops();
  return result;
}

}  // namespace tessera::noc
