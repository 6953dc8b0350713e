#include "sim/system/collective_plan.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <tuple>

#include "sim/base/errors.h"

namespace tessera::system {
namespace {

// `bytes` split into `parts` nearly equal shares (the first ones one byte larger).
std::vector<uint64_t> split(uint64_t bytes, int parts) {
  std::vector<uint64_t> out(size_t(parts), bytes / uint64_t(parts));
  for (uint64_t i = 0; i < bytes % uint64_t(parts); ++i) ++out[size_t(i)];
  return out;
}

class Planner {
 public:
  Planner(const SystemConfig& s, const Collective& c) : s_(s), c_(c) {
    n_ = c.chips;
    ring_ = c.topology == Topology1d::ring;
    sems_ = s.ccl.step_semaphores;
    if (c.packet_bytes > s.ethernet.max_payload_bytes)
      throw InputError(c.where + "/packet_bytes: expected at most the fabric's largest payload, " +
                       std::to_string(s.ethernet.max_payload_bytes) + " B (" + s.source_file + ": /ethernet/max_payload_bytes), got " +
                       std::to_string(c.packet_bytes));
    plan_.devices = c.devices.empty() ? snake_devices(s, n_, ring_, c.where) : c.devices;
    const bool direct_pair = c.op == CollectiveOp::send_recv && n_ == 2 && !c.devices.empty() &&
                             links_between(s, c.devices[0], c.devices[1]).empty();
    if (direct_pair) {
      // Two named devices that are not neighbours: a 2-D fabric route between them.
      plan_.two_d = true;
      for (int d : plan_.devices)
        if (d < 0 || d >= s.num_chips())
          throw InputError(c.where + "/devices: expected device ids in [0, " + std::to_string(s.num_chips() - 1) + "]");
    } else {
      check_chain(s, plan_.devices, ring_, c.links, c.where);
    }
    for (int d : plan_.devices)
      if (int(s.chips[size_t(d)].compute_cores().size()) < 2 * c.links)
        throw InputError(c.where + "/links: expected at most half as many links as device " + std::to_string(d) +
                         " has compute cores (one sending core per link and direction)");
  }

  CollectivePlan build() {
    const uint64_t b = c_.bytes_per_chip;
    switch (c_.op) {
      case CollectiveOp::all_gather:
        gather_workers_ = gather_workers(b);
        for (int i = 0; i < n_; ++i)
          for (int k = 0; k < c_.links; ++k) gather(i, k, split(b, c_.links)[size_t(k)], {});
        break;
      case CollectiveOp::reduce_scatter: reduce_scatter(); break;
      case CollectiveOp::all_reduce: {
        // tt-metal's all_reduce is a composite of two ops, reduce_scatter_minimal_async and then
        // all_gather_async: the gather is a program of its own, launched once the reduce_scatter has ended.
        reduce_scatter();
        const size_t first_of_gather = plan_.transfers.size();
        const auto slices = split(b, n_);
        gather_workers_ = gather_workers(slices[0]);
        for (int c = 0; c < n_; ++c)
          for (int k = 0; k < c_.links; ++k) gather(c, k, split(slices[size_t(c)], c_.links)[size_t(k)], {});
        for (size_t t = first_of_gather; t < plan_.transfers.size(); ++t) plan_.transfers[t].op = 1;
        plan_.ops = 2;
        break;
      }
      case CollectiveOp::all_to_all: {
        // Each sender deals its packets round the destinations in turn, so no link waits for one
        // destination's whole piece before the next starts.
        const auto pieces = split(b, n_);
        // The bytes chip i sends chip j: an even share, or what the mapper routed there.
        const auto piece = [&](int i, int j) { return c_.piece_bytes.empty() ? pieces[size_t(j)] : c_.piece_bytes[size_t(i)][size_t(j)]; };
        for (int i = 0; i < n_; ++i)
          for (int k = 0; k < c_.links; ++k) {
            std::vector<std::vector<uint64_t>> per_dest(static_cast<size_t>(n_));
            size_t most = 0;
            for (int j = 0; j < n_; ++j)
              if (j != i && piece(i, j) > 0) {
                per_dest[size_t(j)] = packets(split(piece(i, j), c_.links)[size_t(k)]);
                most = std::max(most, per_dest[size_t(j)].size());
              }
            std::vector<std::vector<int>> sent(static_cast<size_t>(n_));
            for (size_t p = 0; p < most; ++p)
              for (int j = 0; j < n_; ++j)
                if (p < per_dest[size_t(j)].size())
                  sent[size_t(j)].push_back(routed(i, j, k, per_dest[size_t(j)][p], {}, false, p % 2 == 1));
            for (int j = 0; j < n_; ++j) final_semaphore(i, j, k, sent[size_t(j)]);
          }
        break;
      }
      case CollectiveOp::send_recv:
        for (int k = 0; k < c_.links; ++k) {
          std::vector<int> sent;
          for (uint64_t p : packets(split(b, c_.links)[size_t(k)])) sent.push_back(routed(0, n_ - 1, k, p));
          final_semaphore(0, n_ - 1, k, sent);
        }
        break;
    }
    for (const Transfer& t : plan_.transfers) plan_.payload_bytes += t.bytes;
    return std::move(plan_);
  }

 private:
  int at(int i) const { return ((i % n_) + n_) % n_; }
  int dev(int i) const { return plan_.devices[size_t(at(i))]; }
  // One sending (and receiving) core per link and direction: the compute core nearest (in grid steps)
  // to the Ethernet core that direction leaves from (at a line's end, the one it arrives at), so that the
  // NoC writes in and out of the routers stay short, as tt-metal places its CCL workers by their links.
  GridPos worker(int i, int k, int dir) {
    const int chip = dev(i);
    auto [it, fresh] = workers_.try_emplace({chip, k, dir}, GridPos{});
    if (!fresh) return it->second;
    const bool has_next = ring_ || (dir == 0 ? at(i) + 1 < n_ : at(i) > 0);
    const int step = dir == 0 ? 1 : -1;
    GridPos eth;
    if (plan_.two_d) {
      eth = s_.chips[size_t(chip)].compute_cores()[0];  // a 2-D send: the first compute core
    } else {
      const int other = has_next ? dev(i + step) : dev(i - step);
      const Hop h = hop_between(s_, chip, other, k, c_.where);
      const EthLink& l = s_.links[size_t(h.link)];
      eth = (l.a.chip == chip ? l.a : l.b).core;
    }
    GridPos best{-1, -1};
    int best_distance = 1 << 30;
    for (const GridPos& p : s_.chips[size_t(chip)].compute_cores()) {
      if (taken_.count({chip, p.y * 4096 + p.x})) continue;
      const int d = std::abs(p.x - eth.x) + std::abs(p.y - eth.y);
      if (d < best_distance) { best_distance = d; best = p; }
    }
    taken_.insert({chip, best.y * 4096 + best.x});
    it->second = best;
    return best;
  }

  // all_gather_async's workers per link and direction for `input` bytes per chip (tt-metal default_workers:
  // the bytes crossing each link, (N-1) inputs over the links, half of them each way round a ring; more than
  // 256 KiB: 4, at most one 4 KiB packet: 1, else 2; the first count whose cores, W workers and one mux per
  // link and direction, the chips have). 0: no mux (ccl.gather_mux off or no worker handshake).
  int gather_workers(uint64_t input) const {
    if (!s_.ccl.gather_mux || !s_.ccl.worker_handshake) return 0;
    const double per_link = double(input) * (n_ - 1) / c_.links / (ring_ ? 2 : 1);
    const std::vector<int> candidates = per_link > 256.0 * 1024 ? std::vector<int>{4, 2, 1}
                                        : per_link <= 4.0 * 1024 ? std::vector<int>{1} : std::vector<int>{2, 1};
    size_t cores = SIZE_MAX;
    for (int d : plan_.devices) cores = std::min(cores, s_.chips[size_t(d)].compute_cores().size());
    for (int w : candidates)
      if (size_t(c_.links) * 2 * size_t(w + 1) <= cores) return w;
    return 0;  // too few cores for even one worker beside the mux: the sending core prepares its packets
  }

  // reduce_scatter_minimal_async's workers per link and direction (thresholds in ccl.reduce_mux's comment);
  // 0: no mux.
  int reduce_workers() const {
    if (!s_.ccl.reduce_mux || !s_.ccl.worker_handshake) return 0;
    const double mib = 1024.0 * 1024, per_link = double(c_.bytes_per_chip) * (n_ - 1) / n_ / c_.links / (ring_ ? 2 : 1);
    const double high = ring_ ? 50 * mib : 4 * mib, low = ring_ ? 1 * mib : 0.5 * mib;
    const std::vector<int> candidates = per_link > high ? std::vector<int>{8, 4, 2, 1}
                                        : per_link < low ? std::vector<int>{2, 1} : std::vector<int>{4, 2, 1};
    size_t cores = SIZE_MAX;
    for (int d : plan_.devices) cores = std::min(cores, s_.chips[size_t(d)].compute_cores().size());
    for (int w : candidates)
      if (size_t(c_.links) * 2 * size_t(w + 1) <= cores) return w;
    return 0;
  }

  // A reduce_scatter packet's payload: with ccl.reduce_tiles_per_packet, that many whole tiles at most
  // (tt-metal reduce_scatter_minimal_async: num_tiles_to_write_per_packet = min(2, channel buffer / page),
  // one NoC address per tile of a scatter write), never more than the fabric packet; else the fabric packet.
  uint64_t reduce_packet_bytes() const {
    const uint64_t fabric = uint64_t(c_.packet_bytes), tile = tile_bytes(c_.dtype);
    if (s_.ccl.reduce_tiles_per_packet == 0 || tile > fabric) return fabric;
    return std::min<uint64_t>(uint64_t(s_.ccl.reduce_tiles_per_packet), fabric / tile) * tile;
  }

  // Worker `w` of chip i's link k and direction dir: the free compute core nearest that direction's mux (its
  // sending core), allocated on first use.
  GridPos feeder(int i, int k, int dir, int w) {
    const int chip = dev(i);
    const GridPos mux = worker(i, k, dir);
    auto [it, fresh] = feeders_.try_emplace({chip, k, dir, w}, GridPos{});
    if (!fresh) return it->second;
    GridPos best{-1, -1};
    int best_distance = 1 << 30;
    for (const GridPos& p : s_.chips[size_t(chip)].compute_cores()) {
      if (taken_.count({chip, p.y * 4096 + p.x})) continue;
      const int d = std::abs(p.x - mux.x) + std::abs(p.y - mux.y);
      if (d < best_distance) { best_distance = d; best = p; }
    }
    taken_.insert({chip, best.y * 4096 + best.x});
    it->second = best;
    return best;
  }

  // Transfer t is prepared by worker w (w >= 0) of chip i's link k, direction dir, and fed into its mux.
  void fed_by(int t, int i, int k, int dir, int w) {
    if (w < 0) return;
    const GridPos core = feeder(i, k, dir, w);
    plan_.transfers[size_t(t)].fed = true;
    plan_.transfers[size_t(t)].feeder = core;
  }

  std::vector<uint64_t> packets(uint64_t bytes) const { return packets(bytes, uint64_t(c_.packet_bytes)); }

  std::vector<uint64_t> packets(uint64_t bytes, uint64_t packet_bytes) const {
    std::vector<uint64_t> out;
    for (uint64_t left = bytes; left > 0;) {
      const uint64_t p = std::min<uint64_t>(left, packet_bytes);
      out.push_back(p);
      left -= p;
    }
    return out;
  }

  int add(int from, int to, int k, int dir, uint64_t bytes, std::vector<Hop> hops, bool reduce, std::vector<int> deps) {
    Transfer t;
    t.src_chip = dev(from);
    t.dst_chip = dev(to);
    t.src_core = worker(from, k, dir);
    t.dst_core = worker(to, k, dir);
    t.bytes = uint32_t(bytes);
    t.hops = std::move(hops);
    t.dateline_hop = dateline(t.hops);
    t.reduce = reduce;
    t.deps = std::move(deps);
    plan_.transfers.push_back(std::move(t));
    return int(plan_.transfers.size()) - 1;
  }

  // A ring's dateline is its closing link, between its last and first chips; on a 2-D route, every
  // wrap-around link of the grid (between the first and last column or row).
  int dateline(const std::vector<Hop>& hops) const {
    for (size_t h = 0; h < hops.size(); ++h) {
      const EthLink& l = s_.links[size_t(hops[h].link)];
      if (plan_.two_d) {
        const GridPos a = s_.position_of[size_t(l.a.chip)], b = s_.position_of[size_t(l.b.chip)];
        if (std::abs(a.x - b.x) > 1 || std::abs(a.y - b.y) > 1) return int(h);
      } else if (ring_) {
        const int first = plan_.devices.front(), last = plan_.devices.back();
        if ((l.a.chip == first && l.b.chip == last) || (l.a.chip == last && l.b.chip == first)) return int(h);
      }
    }
    return -1;
  }

  int neighbour_hop(int from, int step, int k, uint64_t bytes, bool reduce, std::vector<int> deps) {
    const int dir = step > 0 ? 0 : 1;
    return add(from, from + step, k, dir, bytes, {hop_between(s_, dev(from), dev(from + step), k, c_.where)}, reduce,
               std::move(deps));
  }

  // A semaphore increment from chip `from` to its neighbour `from + step`, sent after the chunk `chunk`.
  int semaphore_hop(int from, int step, int k, std::vector<int> chunk) {
    const int t = neighbour_hop(from, step, k, 0, false, {});
    plan_.transfers[size_t(t)].semaphore = true;
    plan_.transfers[size_t(t)].after = std::move(chunk);
    return t;
  }

  // A share's packets, `per_sync` at a time: the kernels signal once per so many packets (tt-metal's
  // chunks_per_sync), or, without step semaphores, one packet at a time (each waits for its own previous hop).
  std::vector<std::vector<size_t>> chunks(size_t packets, int per_sync) const {
    const size_t size = sems_ ? size_t(std::max(1, per_sync)) : 1;
    std::vector<std::vector<size_t>> out;
    for (size_t p = 0; p < packets; ++p) {
      if (p % size == 0) out.emplace_back();
      out.back().push_back(p);
    }
    return out;
  }

  // The packets `ps` relayed `hops` hops from chip `from` in direction `step`, a chunk at a time: a chunk's
  // next hop waits for the chunk and the semaphore that follows it (with step semaphores) or, packet by
  // packet, for its own previous hop. Returns what the last chip waits for.
  std::vector<int> relay(int from, int step, int hops, int k, const std::vector<uint64_t>& ps, bool reduce,
                         const std::vector<int>& first_deps, int per_sync, bool local_write = false, int w = -1) {
    const int dir = step > 0 ? 0 : 1;
    const auto groups = chunks(ps.size(), per_sync);
    std::vector<std::vector<int>> done(groups.size());  // per chunk: what its next hop waits for
    for (int h = 0; h < hops; ++h) {
      const int at_chip = from + step * h;
      for (size_t g = 0; g < groups.size(); ++g) {
        std::vector<int> sent;
        for (size_t p : groups[g]) {
          sent.push_back(neighbour_hop(at_chip, step, k, ps[p], reduce, h == 0 ? first_deps : done[g]));
          plan_.transfers[size_t(sent.back())].local_write = local_write && h == 0;
          fed_by(sent.back(), at_chip, k, dir, w);
          // A running sum goes to the worker of the next chip that adds to it and sends it on.
          if (reduce && w >= 0) plan_.transfers[size_t(sent.back())].dst_core = feeder(at_chip + step, k, dir, w);
        }
        // The next hop also waits for the chunk's own packets: landed, and reduced into the running sum.
        if (sems_) {
          sent.push_back(semaphore_hop(at_chip, step, k, sent));
          fed_by(sent.back(), at_chip, k, dir, w);
          if (reduce && w >= 0) plan_.transfers[size_t(sent.back())].dst_core = feeder(at_chip + step, k, dir, w);
        }
        done[g] = sent;
      }
    }
    std::vector<int> last;
    for (const auto& d : done) last.insert(last.end(), d.begin(), d.end());
    return last;
  }

  // Chip i's `bytes` on link k relayed to every other chip; each packet's first hop waits for `first_deps`.
  // With a mux (gather_workers_ > 0) each of the W workers of a direction takes a contiguous range of the
  // packets (the first ones one packet longer), in chunks and with semaphores of its own, as tt-metal's
  // workers split the pages between them.
  void gather(int i, int k, uint64_t bytes, const std::vector<int>& first_deps) {
    const int forward = ring_ ? n_ / 2 : n_ - 1 - i;
    const int backward = ring_ ? n_ - 1 - n_ / 2 : i;
    const auto all = packets(bytes);
    const int workers = std::max(1, gather_workers_);
    for (int w = 0; w < workers; ++w) {
      const size_t base = all.size() / size_t(workers), extra = all.size() % size_t(workers);
      const size_t first = size_t(w) * base + std::min(size_t(w), extra);
      const std::vector<uint64_t> ps(all.begin() + long(first), all.begin() + long(first + base + (size_t(w) < extra)));
      if (ps.empty()) continue;
      const int fed = gather_workers_ > 0 ? w : -1;
      // The chip's own packets go into its own output once, by the first direction that sends them.
      bool local_write = s_.ccl.gather_local_write;
      for (const auto& [step, hops] : {std::pair{+1, forward}, std::pair{-1, backward}}) {
        if (ring_) {
          relay(i, step, hops, k, ps, false, first_deps, s_.ccl.gather_packets_per_sync, local_write && hops > 0, fed);
        } else if (hops > 0) {
          multicast(i, step, hops, k, ps, first_deps, local_write, fed);
        }
        if (hops > 0) local_write = false;
      }
    }
  }

  // The packets `ps` of chip `from` multicast `hops` hops in direction `step`: each one sent once by the
  // chip's worker, forwarded by the routers and dropped at every chip on the way; after each chunk of
  // `gather_packets_per_sync` packets, a semaphore multicast the same way (in program order, after it).
  void multicast(int from, int step, int hops, int k, const std::vector<uint64_t>& ps, const std::vector<int>& first_deps,
                 bool local_write, int w = -1) {
    const int dir = step > 0 ? 0 : 1;
    std::vector<Hop> route;
    std::vector<GridPos> drops;
    for (int h = 0; h < hops; ++h) {
      route.push_back(hop_between(s_, dev(from + step * h), dev(from + step * (h + 1)), k, c_.where));
      drops.push_back(worker(from + step * (h + 1), k, dir));
    }
    for (const auto& group : chunks(ps.size(), s_.ccl.gather_packets_per_sync)) {
      std::vector<int> sent;
      for (size_t p : group) {
        sent.push_back(add(from, from + step * hops, k, dir, ps[p], route, false, first_deps));
        plan_.transfers[size_t(sent.back())].local_write = local_write;
        plan_.transfers[size_t(sent.back())].drop_cores = drops;
        fed_by(sent.back(), from, k, dir, w);
      }
      if (!sems_) continue;
      const int t = add(from, from + step * hops, k, dir, 0, route, false, {});
      plan_.transfers[size_t(t)].semaphore = true;
      plan_.transfers[size_t(t)].after = std::move(sent);
      plan_.transfers[size_t(t)].drop_cores = drops;
      fed_by(t, from, k, dir, w);
    }
  }

  // A running sum of `bytes` along `chips` (consecutive neighbours), each receiver adding its own part.
  // Returns what the chain's last chip waits for.
  // With a mux, each of the direction's workers carries a contiguous range of the packets down the chain.
  std::vector<int> sum_chain(int start, int step, int length, int k, uint64_t bytes) {
    const auto all = packets(bytes, reduce_packet_bytes());
    const int workers = std::max(1, reduce_workers_);
    const int per_sync_default = ring_ ? s_.ccl.reduce_packets_per_sync_ring : s_.ccl.reduce_packets_per_sync_line;
    std::vector<int> last;
    for (int w = 0; w < workers; ++w) {
      const size_t base = all.size() / size_t(workers), extra = all.size() % size_t(workers);
      const size_t first = size_t(w) * base + std::min(size_t(w), extra);
      const std::vector<uint64_t> ps(all.begin() + long(first), all.begin() + long(first + base + (size_t(w) < extra)));
      if (ps.empty()) continue;
      // tt-metal caps chunks_per_sync at half of the worker's packets, so that a share moves in two chunks at least.
      const int per_sync = reduce_workers_ > 0 ? std::max(1, std::min(per_sync_default, int(ps.size() / 2))) : per_sync_default;
      const auto done = relay(start, step, length, k, ps, true, {}, per_sync, false, reduce_workers_ > 0 ? w : -1);
      last.insert(last.end(), done.begin(), done.end());
    }
    return last;
  }

  // Per slice c and link k: the transfers that complete c's sum on its owner chip.
  std::vector<std::vector<std::vector<int>>> reduce_scatter() {
    reduce_workers_ = reduce_workers();
    const auto slices = split(c_.bytes_per_chip, n_);
    std::vector<std::vector<std::vector<int>>> owners(size_t(n_), std::vector<std::vector<int>>(size_t(c_.links)));
    for (int c = 0; c < n_; ++c)
      for (int k = 0; k < c_.links; ++k) {
        const uint64_t share = split(slices[size_t(c)], c_.links)[size_t(k)];
        auto& done = owners[size_t(c)][size_t(k)];
        std::vector<int> a, b;
        if (ring_) {
          const auto halves = split(share, 2);
          a = sum_chain(c + 1, +1, n_ - 1, k, halves[0]);
          b = sum_chain(c - 1, -1, n_ - 1, k, halves[1]);
        } else {
          a = sum_chain(0, +1, c, k, share);
          b = sum_chain(n_ - 1, -1, n_ - 1 - c, k, share);
        }
        done.insert(done.end(), a.begin(), a.end());
        done.insert(done.end(), b.begin(), b.end());
      }
    return owners;
  }

  // One packet of chip i on plane k to chip j through the fabric: along the chain (a ring the shorter way),
  // or, for two named devices that are not neighbours, dimension order through the grid.
  // On a ring, the chip opposite (N/2 hops either way) is reached the second way round when `other_way`:
  // its piece goes half each way, so both directions carry floor(N/2) ceil(N/2) / 2 pieces per link, the
  // balance tt-metal's report assumes ("Bytes through the bottleneck link").
  int routed(int i, int j, int k, uint64_t packet, std::vector<int> deps = {}, bool semaphore = false,
             bool other_way = false) {
    std::vector<Hop> hops;
    int dir = 0;
    if (plan_.two_d) {
      hops = dimension_order_route(s_, dev(i), dev(j), k, c_.where);
    } else {
      int ahead = j - i;
      if (ring_) {
        const int fwd = at(j - i), back = n_ - at(j - i);
        ahead = fwd < back || (fwd == back && !other_way) ? fwd : -back;
      }
      const int step = ahead > 0 ? 1 : -1;
      dir = step > 0 ? 0 : 1;
      for (int h = 0; h < std::abs(ahead); ++h) hops.push_back(hop_between(s_, dev(i + step * h), dev(i + step * (h + 1)), k, c_.where));
    }
    const int t = add(i, j, k, dir, packet, hops, false, std::move(deps));
    plan_.transfers[size_t(t)].semaphore = semaphore;
    return t;
  }

  // With step semaphores, a routed share ends with an increment at its destination, sent after it.
  void final_semaphore(int i, int j, int k, std::vector<int> share) {
    if (!sems_ || share.empty()) return;
    const int t = routed(i, j, k, 0, {}, true);
    plan_.transfers[size_t(t)].after = std::move(share);
  }

  const SystemConfig& s_;
  const Collective& c_;
  std::map<std::tuple<int, int, int>, GridPos> workers_;  // (chip, link, direction) -> its core
  std::map<std::tuple<int, int, int, int>, GridPos> feeders_;  // (chip, link, direction, worker) -> its core
  int gather_workers_ = 0;  // all_gather's workers per link and direction, 0 without a mux
  int reduce_workers_ = 0;  // reduce_scatter's, the same
  std::set<std::pair<int, int>> taken_;                   // (chip, core) already a worker
  int n_ = 0;
  bool ring_ = false;
  bool sems_ = false;  // the system's ccl.step_semaphores
  CollectivePlan plan_;
};

}  // namespace

CollectivePlan plan_collective(const SystemConfig& s, const Collective& c) { return Planner(s, c).build(); }

}  // namespace tessera::system
