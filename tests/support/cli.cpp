#include "tests/support/cli.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace tessera::test {

std::string tessera_binary() {
  if (const char* env = std::getenv("TESSERA_BINARY")) return env;
#ifdef TESSERA_BINARY
  return TESSERA_BINARY;
#else
  return "build/tessera";
#endif
}

std::string fresh_temp_dir(const std::string& tag) {
  static int counter = 0;
  const auto dir = std::filesystem::temp_directory_path() /
                   ("tessera-test-" + tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

CliResult run_tessera(const std::string& args) {
  const std::string dir = fresh_temp_dir("cli");
  const std::string out = dir + "/out", err = dir + "/err";
  const std::string command = "cd " TESSERA_SOURCE_DIR " && '" + tessera_binary() + "' " + args + " >" + out + " 2>" + err;
  const int status = std::system(command.c_str());
  CliResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_text(out);
  r.err = read_text(err);
  std::filesystem::remove_all(dir);
  return r;
}

}  // namespace tessera::test
