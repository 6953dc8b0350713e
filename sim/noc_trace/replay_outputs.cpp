#include "sim/noc_trace/replay_outputs.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "sim/base/errors.h"
#include "sim/report/atomic_file.h"

namespace tessera::noc_trace {
namespace {

std::string fmt(const char* format, double a) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, a);
  return buf;
}

double span_of(const ReplayResult& r) { return double(std::max<uint64_t>(1, r.predicted_cycles)); }

std::vector<LinkUse> busiest(const ReplayResult& r, size_t n) {
  std::vector<LinkUse> links = r.links;
  std::stable_sort(links.begin(), links.end(), [](const LinkUse& a, const LinkUse& b) { return a.busy_cycles > b.busy_cycles; });
  if (links.size() > n) links.resize(n);
  return links;
}

}  // namespace

nlohmann::json replay_json(const NocTrace& trace, const ReplayResult& r, double clock_ghz) {
  nlohmann::json j;
  j["trace"] = trace.file;
  j["issue"] = to_string(r.mode);
  j["clock_ghz"] = clock_ghz;
  j["predicted_cycles"] = r.predicted_cycles;
  j["golden_cycles"] = r.golden_cycles;
  j["error"] = r.error;
  j["last_landing_cycles"] = r.last_landing_cycles;
  j["noc_events"] = r.noc_events;
  j["transfers"] = r.transfers.size();
  j["unmodelled"] = nlohmann::json::object();
  for (const auto& [type, n] : r.unmodelled) j["unmodelled"][type] = n;
  j["cores"] = nlohmann::json::array();
  for (const IssuerFinish& f : r.issuers)
    j["cores"].push_back({{"x", f.x}, {"y", f.y}, {"proc", f.proc}, {"finish_cycles", f.finish}});
  j["nius"] = nlohmann::json::array();
  for (const NiuUse& n : r.nius)
    j["nius"].push_back({{"x", n.x}, {"y", n.y}, {"noc", n.noc}, {"transfers", n.transfers}, {"bytes", n.bytes},
                         {"busy_cycles", n.busy_cycles}, {"utilisation", n.busy_cycles / span_of(r)},
                         {"peak_outstanding_reads", n.peak_outstanding_reads}});
  j["links"] = nlohmann::json::array();
  for (const LinkUse& l : r.links)
    j["links"].push_back({{"link", l.name}, {"flits", l.flits}, {"busy_cycles", l.busy_cycles},
                          {"utilisation", l.busy_cycles / span_of(r)}});
  return j;
}

std::string replay_text(const NocTrace& trace, const ReplayResult& r) {
  std::ostringstream o;
  o << "trace             " << trace.file << "\n";
  o << "issue             " << to_string(r.mode) << "\n";
  o << "noc events        " << r.noc_events << " (" << r.transfers.size() << " transfers)\n";
  o << "predicted cycles  " << r.predicted_cycles << "\n";
  o << "golden cycles     " << r.golden_cycles << "  (last minus first timestamp, minus " << kKernelEndOffsetCycles << ")\n";
  o << "error             " << fmt("%+.1f %%", 100.0 * r.error) << "\n";
  if (!r.unmodelled.empty()) {
    o << "unmodelled        ";
    bool first = true;
    for (const auto& [type, n] : r.unmodelled) o << (first ? "" : ", ") << type << " x" << n, first = false;
    o << " (issue cost only: waits on other cores are not modelled)\n";
  }
  uint64_t latest = 0;
  for (const IssuerFinish& f : r.issuers) latest = std::max(latest, f.finish);
  o << "\nRISC-V     core   finish cycles\n";
  for (const IssuerFinish& f : r.issuers) {
    char line[96];
    std::snprintf(line, sizeof line, "%-8s %2d,%-2d  %13llu%s\n", f.proc.c_str(), f.x, f.y,
                  static_cast<unsigned long long>(f.finish), f.finish == latest ? "  (last)" : "");
    o << line;
  }
  o << "\nNIU         transfers      bytes  busy %  peak reads\n";
  for (const NiuUse& n : r.nius) {
    char line[96];
    std::snprintf(line, sizeof line, "%2d,%-2d noc%d %9llu %10llu  %5.1f  %10u\n", n.x, n.y, n.noc,
                  static_cast<unsigned long long>(n.transfers), static_cast<unsigned long long>(n.bytes),
                  100.0 * n.busy_cycles / span_of(r), n.peak_outstanding_reads);
    o << line;
  }
  o << "\nbusiest links              flits  busy %\n";
  for (const LinkUse& l : busiest(r, 8)) {
    char line[96];
    std::snprintf(line, sizeof line, "%-24s %8llu  %5.1f\n", l.name.c_str(), static_cast<unsigned long long>(l.flits),
                  100.0 * l.busy_cycles / span_of(r));
    o << line;
  }
  return o.str();
}

std::string replay_timeline(const ReplayResult& r, double clock_ghz) {
  // One process per core, one thread per RISC-V and NoC; ts and dur in microseconds as Chrome trace wants.
  nlohmann::json events = nlohmann::json::array();
  const double us_per_cycle = 1e-3 / clock_ghz;
  std::map<std::string, int> pids;
  for (const TransferSpan& t : r.transfers) {
    const std::string core = std::to_string(t.sx) + "," + std::to_string(t.sy);
    auto [it, added] = pids.emplace(core, static_cast<int>(pids.size()) + 1);
    if (added)
      events.push_back({{"ph", "M"}, {"name", "process_name"}, {"pid", it->second}, {"args", {{"name", "core " + core}}}});
    const std::string thread = t.proc + " noc" + std::to_string(t.noc);
    events.push_back({{"ph", "X"}, {"name", t.type + " " + std::to_string(t.bytes) + " B"}, {"cat", "noc"},
                      {"pid", it->second}, {"tid", thread}, {"ts", t.issued * us_per_cycle},
                      {"dur", (t.done - t.issued) * us_per_cycle},
                      {"args", {{"event", t.event}, {"target", std::to_string(t.tx) + "," + std::to_string(t.ty)},
                                {"bytes", t.bytes}, {"issued_cycle", t.issued}, {"done_cycle", t.done}}}});
  }
  nlohmann::json doc = {{"traceEvents", events}, {"displayTimeUnit", "ns"}};
  return doc.dump() + "\n";
}

std::string replay_links_csv(const ReplayResult& r) {
  std::ostringstream o;
  o << "link,flits,busy_cycles,utilisation\n";
  for (const LinkUse& l : r.links)
    o << l.name << "," << l.flits << "," << l.busy_cycles << "," << fmt("%.4f", l.busy_cycles / span_of(r)) << "\n";
  return o.str();
}

void write_replay_outputs(const std::string& dir, const ReplayResult& r, double clock_ghz) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw InputError(dir + ": cannot create the output directory: " + ec.message());
  const std::string timeline = replay_timeline(r, clock_ghz), links = replay_links_csv(r);
  write_file_atomically(dir + "/timeline.json", timeline);
  write_file_atomically(dir + "/links.csv", links);
}

}  // namespace tessera::noc_trace
