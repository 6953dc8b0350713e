// The `tessera noc` command line: BookSim2 configuration files it cannot honour are refused with exit
// code 2 and a message naming the file and the key. Runs the built program (TESSERA_BINARY, set by ctest).
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

namespace {

struct Outcome {
  int exit_code;
  std::string output;
};

Outcome run_tessera(const std::string& args) {
  const char* binary = std::getenv("TESSERA_BINARY");
  std::string command = std::string(binary) + " " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe);
  std::string output;
  char chunk[512];
  while (size_t n = fread(chunk, 1, sizeof chunk, pipe)) output.append(chunk, n);
  int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

std::string write_config(const std::string& name, const std::string& text) {
  std::string path = "/tmp/tessera_noc_test_" + name + ".cfg";
  std::ofstream(path) << text;
  return path;
}

}  // namespace

TEST_CASE("tessera noc refuses unsupported BookSim2 keys with exit code 2", "[noc][cli]") {
  if (!std::getenv("TESSERA_BINARY")) {
    WARN("TESSERA_BINARY is not set: skipped (ctest sets it)");
    return;
  }
  std::string path = write_config("bad_key", "topology = torus;\nk = 4;\n// fine so far\nrouting_function = dim_order;\nnum_vcs = 2;\nfly_me = 3;\n");
  Outcome bad = run_tessera("noc --booksim-config " + path);
  CHECK(bad.exit_code == 2);
  CHECK(bad.output.find(path) != std::string::npos);
  CHECK(bad.output.find("fly_me") != std::string::npos);

  std::string unsupported = write_config("bad_value", "topology = torus;\nk = 4;\nvc_allocator = wavefront;\n");
  Outcome value = run_tessera("noc --booksim-config " + unsupported);
  CHECK(value.exit_code == 2);
  CHECK(value.output.find("vc_allocator") != std::string::npos);

  Outcome flag = run_tessera("noc --booksim-config " + path + " --no-such-flag");
  CHECK(flag.exit_code == 2);
}

TEST_CASE("tessera noc replays a BookSim2 configuration and prints JSON", "[noc][cli]") {
  if (!std::getenv("TESSERA_BINARY")) {
    WARN("TESSERA_BINARY is not set: skipped (ctest sets it)");
    return;
  }
  std::string path = write_config("small", "topology = mesh;\nk = 4;\nn = 2;\nrouting_function = dim_order;\n"
                                           "num_vcs = 2;\nvc_buf_size = 4;\npacket_size = 2;\n"
                                           "injection_rate = 0.05;\ninjection_rate_uses_flits = 1;\n"
                                           "sample_period = 500;\nwarmup_periods = 1;\n");
  Outcome ok = run_tessera("noc --booksim-config " + path + " --json");
  CHECK(ok.exit_code == 0);
  for (const char* key : {"avg_packet_latency", "avg_network_latency", "accepted_flits_per_node_cycle",
                          "offered_flits_per_node_cycle", "avg_hops", "simulated_cycles", "flit_hops", "unstable"})
    CHECK(ok.output.find(key) != std::string::npos);
}
