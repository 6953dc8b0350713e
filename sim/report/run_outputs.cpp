#include "sim/report/run_outputs.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "sim/base/errors.h"
#include "sim/report/atomic_file.h"

namespace tessera {
namespace fs = std::filesystem;
namespace {

const char* const kStagingTag = ".tessera-staging.";

fs::path absolute_normal(const std::string& p) {
  std::error_code ec;
  fs::path out = fs::weakly_canonical(fs::absolute(p), ec);
  return ec ? fs::absolute(p).lexically_normal() : out;
}

bool inside(const fs::path& child, const fs::path& dir) {
  auto c = child.begin(), d = dir.begin();
  for (; d != dir.end(); ++c, ++d)
    if (c == child.end() || *c != *d) return false;
  return true;
}

// The sibling a run stages into: DIR/../.NAME.tessera-staging.PID
fs::path staging_dir(const fs::path& out, pid_t pid) {
  return out.parent_path() / ("." + out.filename().string() + kStagingTag + std::to_string(pid));
}

// Staging directories of runs that were killed (SIGKILL cannot be held): their pid no longer exists.
void remove_stale_staging(const fs::path& out) {
  std::error_code ec;
  const std::string prefix = "." + out.filename().string() + kStagingTag;
  for (const auto& entry : fs::directory_iterator(out.parent_path(), ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    const long pid = std::strtol(name.c_str() + prefix.size(), nullptr, 10);
    if (pid > 0 && ::kill(pid_t(pid), 0) != 0 && errno == ESRCH) fs::remove_all(entry.path(), ec);
  }
}

void check_writable_parent(const fs::path& p, const std::string& flag) {
  const fs::path parent = p.parent_path();
  std::error_code ec;
  if (!fs::is_directory(parent, ec))
    throw InputError(flag + " " + p.string() + ": the directory " + parent.string() + " does not exist");
  if (::access(parent.c_str(), W_OK | X_OK) != 0)
    throw InputError(flag + " " + p.string() + ": cannot write in " + parent.string() + ": " + std::strerror(errno));
}

// Holds the termination signals for its lifetime; pending ones are delivered when it ends.
class HeldSignals {
 public:
  HeldSignals() {
    sigset_t set;
    sigemptyset(&set);
    for (int s : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) sigaddset(&set, s);
    ::sigprocmask(SIG_BLOCK, &set, &previous_);
  }
  ~HeldSignals() { ::sigprocmask(SIG_SETMASK, &previous_, nullptr); }
  HeldSignals(const HeldSignals&) = delete;
  HeldSignals& operator=(const HeldSignals&) = delete;

 private:
  sigset_t previous_;
};

void write_whole(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.flush();
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

}  // namespace

bool is_report_file_name(const std::string& name) {
  static const char* const fixed[] = {"report.json", "layers.csv", "cores.csv", "links.csv", "timeline.json",
                                      "report.html", "measured_vs_simulated.csv"};
  for (const char* f : fixed)
    if (name == f) return true;
  return name.rfind("heatmap_", 0) == 0 && name.size() > 12 && name.compare(name.size() - 4, 4, ".svg") == 0;
}

RunOutputs::RunOutputs(std::string out_dir, std::string plan_path, const std::vector<std::string>& inputs) {
  std::vector<fs::path> input_paths;
  for (const std::string& i : inputs) input_paths.push_back(absolute_normal(i));
  std::error_code ec;
  if (!plan_path.empty()) {
    const fs::path plan = absolute_normal(plan_path);
    if (plan.filename().empty() || fs::is_directory(plan, ec))
      throw InputError("--dump-plan " + plan_path + ": expected a file name, got a directory");
    for (const fs::path& i : input_paths)
      if (plan == i) throw InputError("--dump-plan " + plan_path + ": is one of the run's inputs; give another file name");
    // A plan inside --out is written with the report set (and --out's own checks apply).
    if (out_dir.empty() || plan.parent_path() != absolute_normal(out_dir)) check_writable_parent(plan, "--dump-plan");
    plan_path_ = plan.string();
  }
  if (!out_dir.empty()) {
    const fs::path out = absolute_normal(out_dir);
    if (out.filename().empty() || out == out.root_path())
      throw InputError("--out " + out_dir + ": expected a directory of its own for the report");
    for (const fs::path& i : input_paths)
      if (inside(i, out)) throw InputError("--out " + out_dir + ": holds the run's input " + i.string() + "; give another directory");
    if (fs::exists(out, ec)) {
      if (!fs::is_directory(out, ec)) throw InputError("--out " + out_dir + ": exists and is not a directory");
      for (const auto& entry : fs::directory_iterator(out, ec)) {
        const std::string name = entry.path().filename().string();
        const bool ours = entry.is_regular_file(ec) && (is_report_file_name(name) ||
                                                        (!plan_path_.empty() && entry.path() == fs::path(plan_path_)));
        if (!ours)
          throw InputError("--out " + out_dir + ": holds " + name +
                           ", which is not a Tessera report file; give a new or empty directory, or one a previous run wrote");
      }
    }
    check_writable_parent(out, "--out");
    if (!plan_path_.empty() && fs::path(plan_path_).parent_path() == out) plan_in_out_dir_ = fs::path(plan_path_).filename();
    remove_stale_staging(out);
    out_dir_ = out.string();
  }
}

void RunOutputs::commit(const std::vector<NamedText>& report_files, const std::string& plan_text) const {
  HeldSignals held;
  if (!plan_path_.empty() && plan_in_out_dir_.empty()) write_file_atomically(plan_path_, plan_text);
  if (out_dir_.empty()) return;
  const fs::path out(out_dir_);
  const fs::path staging = staging_dir(out, ::getpid());
  std::error_code ec;
  fs::remove_all(staging, ec);
  try {
    fs::create_directory(staging);
    for (const auto& [name, text] : report_files) write_whole(staging / name, text);
    if (!plan_in_out_dir_.empty()) write_whole(staging / plan_in_out_dir_, plan_text);
    if (fs::exists(out)) {
      // One atomic swap: the old set moves to the staging name, the new one into place.
      if (::renameat2(AT_FDCWD, staging.c_str(), AT_FDCWD, out.c_str(), RENAME_EXCHANGE) != 0)
        throw std::runtime_error("cannot swap " + staging.string() + " with " + out.string() + ": " + std::strerror(errno));
    } else if (::rename(staging.c_str(), out.c_str()) != 0) {
      throw std::runtime_error("cannot rename " + staging.string() + " to " + out.string() + ": " + std::strerror(errno));
    }
  } catch (...) {
    fs::remove_all(staging, ec);
    throw;
  }
  fs::remove_all(staging, ec);  // the previous set, if there was one
}

}  // namespace tessera
