#pragma once
// The sweep's results: DIR/results.jsonl (one JSON object per finished point) and DIR/results.csv (the same
// as a table). Each row is appended with a single write() on an O_APPEND descriptor and fsync'd, the JSON
// line before the CSV row, so a kill at any moment leaves at most a partial last line, which open() drops.
// A JSON line whose CSV row is missing (a kill between the two writes) gets its row back on open().
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/sweep/sweep_spec.h"

namespace tessera::sweep {

class ResultsLog {
 public:
  // Opens (creating) the two files in `dir`, repairs them as above and loads the finished point ids. A
  // results.csv written for other axes is refused with an InputError.
  ResultsLog(const std::string& dir, const SweepSpec& spec);
  ~ResultsLog();
  ResultsLog(const ResultsLog&) = delete;
  ResultsLog& operator=(const ResultsLog&) = delete;

  bool finished(const std::string& point_id) const { return finished_.count(point_id) != 0; }
  // Appends one finished point: `record` is its results.jsonl object (with "point").
  void append(const nlohmann::json& record);

  const std::string& dir() const { return dir_; }

 private:
  std::string csv_row(const nlohmann::json& record) const;

  std::string dir_;
  std::vector<std::string> axis_keys_;
  std::string header_;
  int jsonl_fd_ = -1;
  int csv_fd_ = -1;
  std::set<std::string> finished_;
};

// The result columns after the axis columns, in CSV order.
extern const std::vector<std::string> kResultColumns;

}  // namespace tessera::sweep
