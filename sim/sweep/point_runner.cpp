#include "sim/sweep/point_runner.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>
#include <vector>

extern char** environ;

namespace tessera::sweep {

std::string self_executable() {
  char buf[4096];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) throw std::runtime_error("cannot resolve /proc/self/exe");
  return std::string(buf, size_t(n));
}

nlohmann::json point_record(const SweepSpec& spec, const SweepPoint& point, const nlohmann::json& report) {
  nlohmann::json axes = nlohmann::json::object();
  for (size_t a = 0; a < spec.axes.size(); ++a) axes[spec.axes[a].key] = point.values[a];
  const nlohmann::json& e = report.at("energy");
  return {{"point", point.id},
          {"index", point.index},
          {"trace", point.trace},
          {"axes", axes},
          {"chip", report.at("chip")},
          {"workload", report.at("workload")},
          {"cycles", report.at("total_cycles")},
          {"seconds", report.at("seconds")},
          {"energy_j", e.at("total_pj").get<double>() * 1e-12},
          {"average_power_w", e.at("average_power_w")},
          {"tops_per_watt", e.at("tops_per_watt")},
          {"achieved_tflops", report.at("achieved_tflops")},
          {"utilization", report.at("utilization")}};
}

nlohmann::json run_point(const std::string& executable, const SweepSpec& spec, const SweepPoint& point) {
  std::vector<std::string> args = {executable, "run", "--config", spec.base, "--trace", point.trace, "--json", "--quiet"};
  for (const std::string& o : point.overrides) {
    args.push_back("--set");
    args.push_back(o);
  }
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, executable.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  if (rc != 0) {
    ::close(out[0]);
    throw std::runtime_error("cannot start " + executable + ": " + std::strerror(rc));
  }
  std::string text;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(out[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buf, size_t(n));
  }
  ::close(out[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error("point " + point.id + ": tessera run " +
                             (WIFEXITED(status) ? "exited with " + std::to_string(WEXITSTATUS(status))
                                                : "was killed by signal " + std::to_string(WTERMSIG(status))));
  const nlohmann::json report = nlohmann::json::parse(text, nullptr, false);
  if (report.is_discarded() || !report.contains("energy"))
    throw std::runtime_error("point " + point.id + ": tessera run printed no report");
  return point_record(spec, point, report);
}

}  // namespace tessera::sweep
