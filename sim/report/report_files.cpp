#include "sim/report/report_files.h"

#include "sim/report/csv_tables.h"
#include "sim/report/heatmap_svg.h"
#include "sim/report/html_report.h"
#include "sim/report/run_digest.h"
#include "sim/report/silicon_comparison.h"
#include "sim/report/timeline.h"

namespace tessera {

std::vector<std::pair<std::string, std::string>> report_files(const ArchConfig& config, const Plan& plan,
                                                              const RunResult& run, const nlohmann::json& report) {
  const RunDigest digest = digest_run(config, plan, run);
  const std::vector<NamedSvg> heatmaps = report_heatmaps(config, report, digest);
  std::vector<std::pair<std::string, std::string>> files = {
      {"report.json", report.dump(2) + "\n"},
      {"layers.csv", layers_csv(report)},
      {"cores.csv", cores_csv(report, digest)},
      {"links.csv", links_csv(digest)},
      {"timeline.json", timeline_json(config, plan, run, kMaxTimelineEvents, nullptr,
                                      report.contains("power") ? &report["power"] : nullptr)},
  };
  if (report.contains("silicon")) files.push_back({"measured_vs_simulated.csv", measured_vs_simulated_csv(report)});
  for (const NamedSvg& h : heatmaps) files.push_back({h.file, h.svg});
  // The page last: a directory holding report.html holds everything it summarises.
  files.push_back({"report.html", html_report(report, digest, heatmaps)});
  return files;
}

}  // namespace tessera
