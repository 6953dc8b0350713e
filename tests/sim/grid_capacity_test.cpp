// A grid whose SystemC thread stacks do not fit the process's address-space limit is refused with exit
// code 2 before the kernel starts (issue 16: 100x100 grids aborted on an uncaught std::bad_alloc).
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdlib>

#include "tests/support/cli.h"

using namespace tessera;

TEST_CASE("a grid too large for the address-space limit exits 2 naming the grid", "[cli][limits]") {
#if defined(__SANITIZE_ADDRESS__)
  SUCCEED("AddressSanitizer reserves terabytes of shadow memory and cannot run under ulimit -v");
#else
  const std::string dir = test::fresh_temp_dir("grid");
  // 32x32 routers, row 0 holding the two DRAM channels and unused positions: 992 compute cores, about
  // 6,000 thread stacks of 256 KiB (1.5 GiB), under a 1 GB limit.
  std::string unused;
  for (int x = 1; x < 32; ++x)
    if (x != 2) unused += std::string(unused.empty() ? "" : ", ") + "[" + std::to_string(x) + ", 0]";
  test::write_text(dir + "/grid.json", "{\"extends\": \"" TESSERA_SOURCE_DIR "/configs/toy_4x4.json\", \"chip\": "
                                       "{\"grid_width\": 32, \"grid_height\": 32, \"unused_positions\": [" + unused +
                                       "], \"compute_grid\": {\"width\": 32, \"height\": 31}}}");
  const std::string command = "ulimit -v 1000000; cd " TESSERA_SOURCE_DIR " && '" + test::tessera_binary() +
                              "' run --config " + dir + "/grid.json --trace traces/gemm_1024.json --quiet >" + dir +
                              "/out 2>" + dir + "/err";
  const int status = std::system(command.c_str());
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 2);
  const std::string err = test::read_text(dir + "/err");
  INFO(err);
  CHECK(err.find("chip.grid_width x chip.grid_height = 32x32 (992 compute cores) needs") != std::string::npos);
  CHECK(err.find("SystemC thread stacks (256 KiB each), but the process limit (ulimit -v / -d) leaves only") != std::string::npos);
  CHECK(test::read_text(dir + "/out").empty());
#endif
}
