#pragma once
// Runs the tessera program as a user would, for tests of exit codes, messages and output files.
#include <string>

namespace tessera::test {

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// The tessera binary ctest passes in TESSERA_BINARY (or the one the build defined).
std::string tessera_binary();

// Runs `tessera <args>` from the repository root (args are passed to /bin/sh as they are).
CliResult run_tessera(const std::string& args);

// A fresh empty directory under the system temp directory, removed by the caller if it likes.
std::string fresh_temp_dir(const std::string& tag);

void write_text(const std::string& path, const std::string& text);
std::string read_text(const std::string& path);

}  // namespace tessera::test
