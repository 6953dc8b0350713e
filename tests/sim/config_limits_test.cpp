// Config values that used to wrap, overflow or get blamed on the wrong source (issue 16): every numeric
// field is range-checked before conversion, and an error names the file or flag the value came from.
#include <catch2/catch.hpp>

#include "sim/base/errors.h"
#include "sim/config/config_loader.h"
#include "tests/support/cli.h"
#include "tests/support/config_load.h"

using tessera::test::config_load_error;

using namespace tessera;
using tessera::test::fresh_temp_dir;
using tessera::test::write_text;

namespace {

const std::string kToy = TESSERA_SOURCE_DIR "/configs/toy_4x4.json";


}  // namespace

TEST_CASE("integers from 2^31 up are refused, not wrapped", "[config][limits]") {
  // Before: 2147483648 became -2147483648 as an int (a 30 s hang), 4294967295 became -1.
  CHECK(config_load_error(kToy, {"noc.router_delays.routing=2147483648"}) ==
        "--set noc.router_delays.routing=2147483648: /noc/router_delays/routing: expected a non-negative integer (at most 1000), got 2147483648");
  CHECK(config_load_error(kToy, {"noc.link_bytes_per_cycle=2147483648"}).find("expected a positive integer (at most 4096)") != std::string::npos);
  CHECK(config_load_error(kToy, {"noc.header_flits=4294967295"}).find("/noc/header_flits: expected a non-negative integer (at most 64)") != std::string::npos);
  CHECK(config_load_error(kToy, {"chip.grid_width=4294967295"}).find("/chip/grid_width: expected a positive integer (at most 256)") != std::string::npos);
  CHECK(config_load_error(kToy, {"chip.unused_positions=[[4294967297, 0]]"}).find("expected a position inside the 4x5 grid") != std::string::npos);
  CHECK(config_load_error(kToy, {"core.sram_kib=1e20"}).find("/core/sram_kib: expected a positive integer") != std::string::npos);
  CHECK(config_load_error(kToy, {"core.sram_kib=1024.5"}).find("/core/sram_kib: expected a positive integer") != std::string::npos);
  CHECK(config_load_error(kToy, {"core.sram_kib=1024.0"}) == "no error");
  CHECK(config_load_error(kToy, {"noc.watchdog_cycles=9223372036854775808"}).find("/noc/watchdog_cycles") != std::string::npos);
}

TEST_CASE("floats must be finite and inside their bounds", "[config][limits]") {
  // Before: a DRAM at 1e-300 GB/s ran faster than the default; mac_pj = 1e308 summed to inf, reported as 0.
  CHECK(config_load_error(kToy, {"dram.channel_bandwidth_gbps=1e-300"}).find("expected a number in [0.001, 100000], got 1e-300") != std::string::npos);
  CHECK(config_load_error(kToy, {"energy.mac_pj.bf16=1e308"}).find("/energy/mac_pj/bf16: expected a number in [0, 1e+06]") != std::string::npos);
  // Before: 1e400 escaped as nlohmann's out_of_range, an internal error (exit 1).
  CHECK(config_load_error(kToy, {"chip.clock_ghz=1e400"}) == "--set chip.clock_ghz=1e400: expected a value a double can hold, got 1e400");
  const std::string dir = fresh_temp_dir("config");
  write_text(dir + "/x.json", "{\"extends\": \"" + kToy + "\", \"chip\": {\"clock_ghz\": 1e400}}");
  CHECK(config_load_error(dir + "/x.json").find(dir + "/x.json: unreadable JSON") == 0);
}

TEST_CASE("an error is blamed on the file or flag the value came from", "[config][limits]") {
  const std::string dir = fresh_temp_dir("config");
  write_text(dir + "/parent.json", "{\"extends\": \"" + kToy + "\", \"noc\": {\"num_vcs\": 0}}");
  write_text(dir + "/child.json", "{\"extends\": \"parent.json\", \"core\": {\"sram_kib\": 512}}");
  // Before: the child was blamed for its parent's value.
  CHECK(config_load_error(dir + "/child.json") ==
        dir + "/parent.json: /noc/num_vcs: expected a positive integer (at most 64), got 0");
  // The child overriding the parent's bad value takes the blame for its own.
  write_text(dir + "/child2.json", "{\"extends\": \"parent.json\", \"noc\": {\"num_vcs\": \"two\"}}");
  CHECK(config_load_error(dir + "/child2.json").find(dir + "/child2.json: /noc/num_vcs") == 0);
  // Before: a repeated --set key named the first flag, though the last one is the value in force.
  CHECK(config_load_error(kToy, {"noc.num_vcs=4", "noc.num_vcs=-1"}).find("--set noc.num_vcs=-1: /noc/num_vcs") == 0);
  CHECK(config_load_error(kToy, {"noc.num_vcs=-1", "noc.num_vcs=4"}) == "no error");
}

TEST_CASE("extends: an empty name or a directory is refused, and a 3,000-deep chain loads", "[config][limits]") {
  const std::string dir = fresh_temp_dir("config");
  write_text(dir + "/empty.json", "{\"extends\": \"\"}");
  // Before: "malformed JSON" (the directory itself was read as the parent).
  CHECK(config_load_error(dir + "/empty.json") == dir + "/empty.json: /extends: expected the file name of a parent config, got \"\"");
  write_text(dir + "/dir.json", "{\"extends\": \".\"}");
  CHECK(config_load_error(dir + "/dir.json").find("/extends: expected an existing config file") != std::string::npos);
  // 3,000 files each extending the next resolve to the toy chip at the end of the chain. How long that takes
  // (it was quadratic: every level re-canonicalised every file above it) is scripts/bench_config_chain.sh's.
  const int depth = 3000;
  for (int i = 0; i < depth; ++i)
    write_text(dir + "/c" + std::to_string(i) + ".json",
               i + 1 < depth ? "{\"extends\": \"c" + std::to_string(i + 1) + ".json\"}" : "{\"extends\": \"" + kToy + "\"}");
  const ArchConfig c = load_arch_config(dir + "/c0.json");
  CHECK(c.chip.name == "toy_4x4");
  CHECK(c.chip.grid_width == 4);
}

TEST_CASE("the CLI refuses stray arguments and negative counts", "[cli][limits]") {
  // Before: accepted and ignored.
  auto r = test::run_tessera("run --config configs/toy_4x4.json --trace traces/gemm_1024.json stray");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("too many positional options") != std::string::npos);
  // Before: --cycles -5 was read as 2^64 - 5, printed NaN and exited 0.
  r = test::run_tessera("noc --config configs/toy_4x4.json --rate 0.1 --cycles -5");
  CHECK(r.exit_code == 2);
  CHECK(r.err == "tessera noc: --cycles must be an integer in [1, 10^12]\n");
}
