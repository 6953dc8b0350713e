// timeline.json of a multi-chip run (system_run.h): Chrome's trace event format, as sim/report/timeline
// writes one chip's.
#include <algorithm>
#include <cmath>
#include <map>

#include "sim/system/system_run.h"

namespace tessera::system {
namespace {

struct Span {
  uint64_t start, end;
  std::string name;
  nlohmann::json args;
};

// Overlapping spans (a fused schedule's ops) on as few threads as keep each thread's spans apart, since
// a trace viewer nests spans of one thread.
std::vector<std::vector<Span>> lanes_of(std::vector<Span> spans) {
  std::stable_sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) { return a.start < b.start; });
  std::vector<std::vector<Span>> lanes;
  for (Span& s : spans) {
    const auto lane = std::find_if(lanes.begin(), lanes.end(), [&](const auto& l) { return l.back().end <= s.start; });
    if (lane != lanes.end()) lane->push_back(std::move(s));
    else lanes.push_back({std::move(s)});
  }
  return lanes;
}

}  // namespace

std::string system_timeline_json(const SystemConfig& s, const SystemRun& run) {
  const double us = 1e-3 / run.clock_ghz;
  nlohmann::json events = nlohmann::json::array();
  const auto meta = [&](int pid, int tid, const char* what, const std::string& name) {
    events.push_back({{"ph", "M"}, {"pid", pid}, {"tid", tid}, {"name", what}, {"args", {{"name", name}}}});
  };
  const auto span = [&](int pid, int tid, const Span& x) {
    events.push_back({{"ph", "X"}, {"pid", pid}, {"tid", tid}, {"name", x.name}, {"ts", double(x.start) * us},
                      {"dur", double(x.end - x.start) * us}, {"args", x.args}});
  };
  for (int d = 0; d < s.num_chips(); ++d) {
    const int pid = d + 1;
    meta(pid, 0, "process_name", "device " + std::to_string(d) + " (" + s.chips[size_t(d)].chip.name + ")");
    meta(pid, 0, "thread_name", "stages");
    std::vector<Span> ops;
    for (size_t k = 0; k < run.stages.size(); ++k) {
      const StagePeriod& p = run.stages[k];
      const ChipStageRun& c = p.chips[size_t(d)];
      for (size_t m = 0; m < c.starts.size(); ++m) {
        const uint64_t t = c.starts[m];
        const std::string name = "stage " + std::to_string(k) + (c.starts.size() > 1 ? " micro-batch " + std::to_string(m) : "");
        span(pid, 0, {t, t + c.cycles, name, {{"macs", c.macs}}});
        for (const auto& op : c.report["ops"])
          if (op["end_cycle"].get<uint64_t>() > op["start_cycle"].get<uint64_t>())
            ops.push_back({t + op["start_cycle"].get<uint64_t>(), t + op["end_cycle"].get<uint64_t>(),
                           op["name"].get<std::string>(), {{"type", op["type"]}, {"macs", op["macs"]}}});
      }
    }
    const auto lanes = lanes_of(std::move(ops));
    for (size_t l = 0; l < lanes.size(); ++l) {
      meta(pid, int(l) + 1, "thread_name", "ops " + std::to_string(l + 1));
      for (const Span& x : lanes[l]) span(pid, int(l) + 1, x);
    }
  }
  // The Ethernet: all collectives on one thread, and each on every link direction it used.
  const int eth = s.num_chips() + 1;
  meta(eth, 0, "process_name", "Ethernet");
  meta(eth, 0, "thread_name", "collectives");
  std::map<std::pair<int, bool>, int> tid_of;
  for (const StagePeriod& p : run.stages)
    for (const CollectiveSpan& c : p.collectives) {
      const std::string name = std::string(to_string(c.what.collective.op)) + " " + c.what.tensor;
      for (const uint64_t t : c.starts)
        span(eth, 0, {t, t + c.cycles, name, {{"bytes_per_chip", c.what.collective.bytes_per_chip}, {"reason", c.what.reason}}});
      for (const LinkDirectionUse& l : c.links) {
        auto [it, fresh] = tid_of.emplace(std::make_pair(l.link, l.a_to_b), int(tid_of.size()) + 1);
        if (fresh) {
          const EthLink& link = s.links[size_t(l.link)];
          const Port& from = l.a_to_b ? link.a : link.b;
          const Port& to = l.a_to_b ? link.b : link.a;
          meta(eth, it->second, "thread_name", "link " + std::to_string(l.link) + ": " + std::to_string(from.chip) + " -> " +
                                                   std::to_string(to.chip));
        }
        for (const uint64_t t : c.starts)
          span(eth, it->second, {t + uint64_t(l.first_cycle), t + uint64_t(std::ceil(l.last_cycle)), name,
                                 {{"payload_bytes", l.payload_bytes}, {"busy_cycles", l.busy_cycles}}});
      }
    }
  return nlohmann::json{{"displayTimeUnit", "ns"}, {"traceEvents", events}}.dump(0) + "\n";
}

}  // namespace tessera::system
