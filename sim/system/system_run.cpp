#include "sim/system/system_run.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "sim/system/collective_plan.h"
#include "sim/system/system_chips.h"

namespace tessera::system {
namespace {

using LinkKey = std::pair<int, bool>;

// One collective's run; identical collectives (everything that shapes its plan) are simulated once.
class CollectiveRunner {
 public:
  explicit CollectiveRunner(const SystemConfig& s) : s_(s) {}
  const CollectiveRun& run(const Collective& c) {
    const Key key{int(c.op), c.bytes_per_chip, int(c.dtype), int(c.topology), c.links, c.packet_bytes, c.devices, c.piece_bytes};
    auto it = done_.find(key);
    if (it == done_.end()) it = done_.emplace(key, simulate_collective(s_, plan_collective(s_, c), c.dtype)).first;
    return it->second;
  }

 private:
  const SystemConfig& s_;
  using Key = std::tuple<int, uint64_t, int, int, int, int, std::vector<int>, std::vector<std::vector<uint64_t>>>;
  std::map<Key, CollectiveRun> done_;
};

}  // namespace

SystemRun run_system(const SystemConfig& s, const SystemWorkload& w, const std::function<void(size_t)>& check_threads) {
  // Plan every collective before anything runs: one the system cannot carry stops the run first.
  for (const Stage& st : w.stages)
    for (const StageCollective& c : st.collectives) plan_collective(s, c.collective);
  if (w.pipeline)
    for (const PipelineSend& p : w.pipeline->sends) plan_collective(s, p.send.collective);
  // One chip model per distinct (chip preset, share): chips running the same share on the same preset
  // give the same result, so it is simulated once.
  std::vector<ChipJob> jobs;
  std::map<std::pair<const Graph*, std::string>, size_t> job_of;
  std::vector<std::vector<int>> job_index(w.stages.size(), std::vector<int>(size_t(s.num_chips()), -1));
  for (size_t k = 0; k < w.stages.size(); ++k)
    for (int d = 0; d < s.num_chips(); ++d) {
      const auto& g = w.stages[k].chips[size_t(d)];
      if (!g) continue;
      const auto key = std::make_pair(g.get(), s.chip_files[size_t(d)]);
      auto it = job_of.find(key);
      if (it == job_of.end()) {
        it = job_of.emplace(key, jobs.size()).first;
        jobs.push_back({"device" + std::to_string(d) + "_stage" + std::to_string(k), &s.chips[size_t(d)], *g});
      }
      job_index[k][size_t(d)] = int(it->second);
    }
  ChipSet chips(std::move(jobs));
  check_threads(chips.compute_cores());
  const std::vector<ChipJobResult> results = chips.run();

  SystemRun out;
  out.clock_ghz = s.chips[0].chip.clock_ghz;
  CollectiveRunner collectives(s);
  std::map<LinkKey, LinkDirectionUse> links;
  const auto count_links = [&](CollectiveSpan& span, const CollectiveRun& r) {
    for (const LinkDirectionUse& l : r.links) {
      span.payload_bytes += l.payload_bytes;
      LinkDirectionUse& sum = links[{l.link, l.a_to_b}];
      sum.link = l.link;
      sum.a_to_b = l.a_to_b;
      sum.packets += l.packets;
      sum.payload_bytes += l.payload_bytes;
      sum.wire_bytes += l.wire_bytes;
      sum.busy_cycles += l.busy_cycles;
    }
  };
  for (size_t k = 0; k < w.stages.size(); ++k) {
    StagePeriod p;
    for (int d = 0; d < s.num_chips(); ++d) {
      ChipStageRun c;
      if (job_index[k][size_t(d)] >= 0) {
        const ChipJobResult& r = results[size_t(job_index[k][size_t(d)])];
        c.cycles = r.run.total_cycles;
        c.report = r.report;
        c.macs = r.report.value("macs", uint64_t(0));
        c.energy_pj = r.report["energy"].value("total_pj", 0.0);
        c.utilization = r.report.value("utilization", 0.0);
      }
      p.chips.push_back(std::move(c));
    }
    out.stages.push_back(std::move(p));
  }
  if (w.pipeline) {
    // Each stage's chip takes micro-batch m when it has finished m-1 and every send to it for m has
    // arrived; a send leaves when its stage has finished m and the previous send between the same two
    // stages has arrived (one at a time per pair of stages).
    const Pipeline& pl = *w.pipeline;
    const size_t n = w.stages.size();
    std::vector<uint64_t> chip_free(n, 0), pair_free(pl.sends.size(), 0);
    std::vector<std::vector<uint64_t>> arrived(n, std::vector<uint64_t>(size_t(pl.microbatches), 0));
    std::vector<size_t> span_of(pl.sends.size());
    for (size_t i = 0; i < pl.sends.size(); ++i) {
      const PipelineSend& ps = pl.sends[i];
      const CollectiveRun& r = collectives.run(ps.send.collective);
      CollectiveSpan span{ps.send, 0, r.cycles, r.transfers, 0, r.links, {}};
      for (int m = 0; m < pl.microbatches; ++m) count_links(span, r);
      span_of[i] = out.stages[size_t(ps.from_stage)].collectives.size();
      out.stages[size_t(ps.from_stage)].collectives.push_back(span);
    }
    for (int m = 0; m < pl.microbatches; ++m)
      for (size_t c = 0; c < n; ++c) {
        ChipStageRun& run = out.stages[c].chips[size_t(pl.device_of_stage[c])];
        const uint64_t start = std::max(chip_free[c], arrived[c][size_t(m)]);
        run.starts.push_back(start);
        chip_free[c] = start + run.cycles;
        for (size_t i = 0; i < pl.sends.size(); ++i) {
          if (pl.sends[i].from_stage != int(c)) continue;
          CollectiveSpan* span = &out.stages[c].collectives[span_of[i]];
          const uint64_t leave = std::max(chip_free[c], pair_free[i]);
          span->starts.push_back(leave);
          pair_free[i] = leave + span->cycles;
          uint64_t& at = arrived[size_t(pl.sends[i].to_stage)][size_t(m)];
          at = std::max(at, pair_free[i]);
          out.collective_cycles += span->cycles;
        }
      }
    for (size_t c = 0; c < n; ++c) {
      StagePeriod& p = out.stages[c];
      const ChipStageRun& run = p.chips[size_t(pl.device_of_stage[c])];
      p.start_cycle = run.starts.front();
      p.end_cycle = chip_free[c];
      out.total_cycles = std::max(out.total_cycles, chip_free[c]);
      out.compute_cycles = std::max(out.compute_cycles, run.cycles * uint64_t(pl.microbatches));
      for (auto& x : p.collectives) {
        x.start_cycle = x.starts.front();
        out.total_cycles = std::max(out.total_cycles, x.starts.back() + x.cycles);
      }
    }
  } else {
    uint64_t t = 0;
    for (size_t k = 0; k < w.stages.size(); ++k) {
      StagePeriod& p = out.stages[k];
      p.start_cycle = t;
      uint64_t slowest = 0;
      for (ChipStageRun& c : p.chips) {
        if (c.cycles) c.starts.push_back(t);
        slowest = std::max(slowest, c.cycles);
      }
      t += slowest;
      out.compute_cycles += slowest;
      p.end_cycle = t;
      for (const StageCollective& sc : w.stages[k].collectives) {
        const CollectiveRun& r = collectives.run(sc.collective);
        CollectiveSpan span{sc, t, r.cycles, r.transfers, 0, r.links, {t}};
        count_links(span, r);
        t += r.cycles;
        out.collective_cycles += r.cycles;
        p.collectives.push_back(span);
      }
    }
    out.total_cycles = t;
  }
  for (auto& [key, l] : links) out.links.push_back(l);
  return out;
}

}  // namespace tessera::system
