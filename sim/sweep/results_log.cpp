#include "sim/sweep/results_log.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <stdexcept>

#include "sim/base/errors.h"
#include "sim/report/csv_tables.h"

namespace tessera::sweep {

const std::vector<std::string> kResultColumns = {"trace", "cycles", "seconds", "energy_j", "average_power_w",
                                                 "tops_per_watt", "achieved_tflops", "utilization", "point"};

namespace {

std::string read_all(int fd) {
  std::string s;
  char buf[65536];
  if (::lseek(fd, 0, SEEK_SET) < 0) throw std::runtime_error(std::string("lseek: ") + std::strerror(errno));
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(std::string("read: ") + std::strerror(errno));
    }
    if (n == 0) break;
    s.append(buf, size_t(n));
  }
  return s;
}

// Drops a trailing partial line (a write a kill interrupted); returns the complete lines.
std::vector<std::string> complete_lines(int fd, const std::string& path) {
  const std::string text = read_all(fd);
  const size_t keep = text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1;
  if (keep != text.size() && ::ftruncate(fd, off_t(keep)) != 0)
    throw std::runtime_error("cannot truncate " + path + ": " + std::strerror(errno));
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < keep) {
    const size_t end = text.find('\n', start);
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

// One write() of the whole line, then fsync: the line is either all there or (after a crash) cut short,
// and a cut line is dropped on the next open.
void append_line(int fd, const std::string& line, const std::string& path) {
  const ssize_t n = ::write(fd, line.data(), line.size());
  if (n != ssize_t(line.size())) throw std::runtime_error("cannot append to " + path + ": " + std::strerror(errno));
  if (::fsync(fd) != 0) throw std::runtime_error("cannot fsync " + path + ": " + std::strerror(errno));
}

int open_append(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) throw InputError(path + ": cannot open for appending: " + std::strerror(errno));
  return fd;
}

std::string number(const nlohmann::json& v) {
  if (v.is_number_integer() || v.is_number_unsigned()) return v.dump();
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g", v.get<double>());
  return buf;
}

// The last field of a CSV row (the point id), unquoted: ids may hold commas and doubled quotes.
std::string last_csv_field(const std::string& row) {
  if (row.empty() || row.back() != '"') return row.substr(row.rfind(',') + 1);
  // Walk back over the quoted field: a quote preceded by a quote is an escaped one.
  size_t i = row.size() - 1;
  std::string out;
  while (i-- > 0) {
    if (row[i] == '"') {
      if (i > 0 && row[i - 1] == '"') { out += '"'; --i; continue; }
      break;
    }
    out += row[i];
  }
  return std::string(out.rbegin(), out.rend());
}

}  // namespace

ResultsLog::ResultsLog(const std::string& dir, const SweepSpec& spec) : dir_(dir) {
  for (const Axis& a : spec.axes) axis_keys_.push_back(a.key);
  for (const std::string& k : axis_keys_) header_ += csv_field(k) + ",";
  for (size_t i = 0; i < kResultColumns.size(); ++i) header_ += (i ? "," : "") + kResultColumns[i];
  header_ += "\n";

  const std::string jsonl_path = dir + "/results.jsonl", csv_path = dir + "/results.csv";
  jsonl_fd_ = open_append(jsonl_path);
  // One sweep per directory at a time; the kernel drops the lock when the process dies, however it dies.
  if (::flock(jsonl_fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(jsonl_fd_);
    jsonl_fd_ = -1;
    throw InputError(dir + ": another sweep is writing results here");
  }
  csv_fd_ = open_append(csv_path);
  std::vector<nlohmann::json> records;
  for (const std::string& line : complete_lines(jsonl_fd_, jsonl_path)) {
    nlohmann::json r = nlohmann::json::parse(line, nullptr, false);
    if (r.is_discarded() || !r.contains("point")) throw InputError(jsonl_path + ": a line is not a sweep result: " + line.substr(0, 80));
    records.push_back(r);
    finished_.insert(r["point"].get<std::string>());
  }
  const std::vector<std::string> csv_lines = complete_lines(csv_fd_, csv_path);
  if (csv_lines.empty()) {
    append_line(csv_fd_, header_, csv_path);
  } else if (csv_lines.front() + "\n" != header_) {
    throw InputError(csv_path + ": written by a sweep with other axes (header " + csv_lines.front() +
                     "); use another --out directory");
  }
  // Rows for points whose JSON line made it but whose CSV row did not.
  std::set<std::string> in_csv;
  for (size_t i = 1; i < csv_lines.size(); ++i) in_csv.insert(last_csv_field(csv_lines[i]));
  for (const nlohmann::json& r : records)
    if (!in_csv.count(r["point"].get<std::string>())) append_line(csv_fd_, csv_row(r), csv_path);
}

ResultsLog::~ResultsLog() {
  if (jsonl_fd_ >= 0) ::close(jsonl_fd_);
  if (csv_fd_ >= 0) ::close(csv_fd_);
}

std::string ResultsLog::csv_row(const nlohmann::json& r) const {
  std::string row;
  for (const std::string& k : axis_keys_) {
    const nlohmann::json& v = r["axes"].value(k, nlohmann::json());
    row += csv_field(v.is_string() ? v.get<std::string>() : v.dump()) + ",";
  }
  for (size_t i = 0; i < kResultColumns.size(); ++i) {
    const nlohmann::json& v = r[kResultColumns[i]];
    row += (i ? "," : "") + (v.is_string() ? csv_field(v.get<std::string>()) : number(v));
  }
  return row + "\n";
}

void ResultsLog::append(const nlohmann::json& record) {
  append_line(jsonl_fd_, record.dump() + "\n", dir_ + "/results.jsonl");
  append_line(csv_fd_, csv_row(record), dir_ + "/results.csv");
  finished_.insert(record["point"].get<std::string>());
}

}  // namespace tessera::sweep
