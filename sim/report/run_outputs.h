#pragma once
// Where a run's files go, checked before the simulation starts and written all together at the end.
//
// The report directory (--out) is replaced as a whole: its files are written into a fresh hidden sibling
// directory, which is then swapped with the old one in one rename (renameat2 RENAME_EXCHANGE), and the old
// set is deleted. Termination signals (INT, TERM, HUP, QUIT) are held during that phase and delivered
// after it, so an interrupt leaves the previous set or the new one, never a mix and never a temporary file.
// A directory is only ever replaced when it is empty or holds nothing but a previous run's report files,
// and no path that is one of the run's inputs is accepted. The plan (--dump-plan) is written the same way
// as a single file, after a successful run only.
#include <string>
#include <utility>
#include <vector>

namespace tessera {

using NamedText = std::pair<std::string, std::string>;  // file name, contents

class RunOutputs {
 public:
  // Checks the paths (throws InputError, exit 2) and removes staging directories that killed runs left.
  // Empty strings mean "not asked for". `inputs` are the run's input files (config, trace).
  RunOutputs(std::string out_dir, std::string plan_path, const std::vector<std::string>& inputs);

  bool wants_report() const { return !out_dir_.empty(); }
  bool wants_plan() const { return !plan_path_.empty(); }

  // Writes the report files (when asked for) and the plan text (when asked for) as described above.
  void commit(const std::vector<NamedText>& report_files, const std::string& plan_text) const;

 private:
  std::string out_dir_;
  std::string plan_path_;
  std::string plan_in_out_dir_;  // the plan's file name when --dump-plan points into --out
};

// Whether `name` is one of the files a run writes into --out (report.json, the CSVs, timeline.json,
// heatmap_*.svg, report.html).
bool is_report_file_name(const std::string& name);

}  // namespace tessera
