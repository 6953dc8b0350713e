// Every class of config error gets one message naming the file, the JSON path and what was expected, and
// the CLI exits with code 2 without writing any output.
#include <catch2/catch.hpp>

#include <filesystem>

#include "sim/base/errors.h"
#include "sim/config/config_loader.h"
#include "tests/support/cli.h"
#include "tests/support/config_load.h"

using tessera::test::config_load_error;

using namespace tessera;
using tessera::test::fresh_temp_dir;
using tessera::test::write_text;

namespace {

// A config that extends the toy preset with `body` merged in, written to a temp file.
std::string toy_with(const std::string& body) {
  const std::string dir = fresh_temp_dir("config");
  write_text(dir + "/x.json", "{\"extends\": \"" TESSERA_SOURCE_DIR "/configs/toy_4x4.json\"" +
                                  std::string(body.empty() ? "" : ", ") + body + "}");
  return dir + "/x.json";
}


}  // namespace

TEST_CASE("presets load and derive the documented grids", "[config]") {
  const ArchConfig gs = load_arch_config(TESSERA_SOURCE_DIR "/configs/grayskull_e150.json");
  CHECK(gs.compute_cores().size() == 120);
  CHECK(gs.dram.positions.size() == 8);
  const ArchConfig wh = load_arch_config(TESSERA_SOURCE_DIR "/configs/wormhole_n150.json");
  CHECK(wh.compute_cores().size() == 64);
  CHECK(wh.core.sram_kib == 1464);
  CHECK(wh.dram.positions.size() == 12);
  const ArchConfig bh = load_arch_config(TESSERA_SOURCE_DIR "/configs/blackhole_p150.json");
  CHECK(bh.compute_cores().size() == 110);
  CHECK(bh.noc.link_bytes_per_cycle == 64);
  const ArchConfig toy = load_arch_config(TESSERA_SOURCE_DIR "/configs/toy_4x4.json");
  CHECK(toy.compute_cores().size() == 16);
  CHECK(toy.noc.topology == noc::Topology::torus);  // overridden over the wormhole parent's tt_dual
  CHECK(toy.core.sram_kib == 1464);                  // inherited
}

TEST_CASE("overrides with --set reach any key path and names the flag in errors", "[config]") {
  const ArchConfig c = load_arch_config(TESSERA_SOURCE_DIR "/configs/toy_4x4.json",
                                        {"noc.link_bytes_per_cycle=64", "noc.model=flit", "core.sram_kib=512"});
  CHECK(c.noc.link_bytes_per_cycle == 64);
  CHECK(c.noc.fidelity == noc::Fidelity::flit);
  CHECK(c.core.sram_kib == 512);
  CHECK(config_load_error(TESSERA_SOURCE_DIR "/configs/toy_4x4.json", {"noc.link_bytes_per_cycle=\"32B\""}) ==
        "--set noc.link_bytes_per_cycle=\"32B\": /noc/link_bytes_per_cycle: expected a positive integer (at most 4096), got \"32B\"");
  CHECK(config_load_error(TESSERA_SOURCE_DIR "/configs/toy_4x4.json", {"noc.linkbytes=4"}).find("/noc/linkbytes: unknown key") !=
        std::string::npos);
  CHECK(config_load_error(TESSERA_SOURCE_DIR "/configs/toy_4x4.json", {"noc"}).find("expected key.path=value") !=
        std::string::npos);
}

TEST_CASE("config errors name file, JSON path and expectation", "[config]") {
  SECTION("malformed JSON") {
    const std::string dir = fresh_temp_dir("config");
    write_text(dir + "/bad.json", "{\n  \"chip\": {\n    \"name\": \"x\",,\n  }\n}\n");
    const std::string e = config_load_error(dir + "/bad.json");
    CHECK(e.find(dir + "/bad.json: malformed JSON at line 3") == 0);
  }
  SECTION("wrong type") {
    const std::string path = toy_with("\"noc\": {\"link_bytes_per_cycle\": \"32B\"}");
    CHECK(config_load_error(path) == path + ": /noc/link_bytes_per_cycle: expected a positive integer (at most 4096), got \"32B\"");
  }
  SECTION("unknown key") {
    const std::string path = toy_with("\"core\": {\"sram_kb\": 1024}");
    CHECK(config_load_error(path) == path + ": /core/sram_kb: unknown key (check the spelling; see docs/configs.md)");
  }
  SECTION("out of range") {
    const std::string path = toy_with("\"chip\": {\"clock_ghz\": 0}");
    CHECK(config_load_error(path) == path + ": /chip/clock_ghz: expected a number in [0.01, 10], got 0");
  }
  SECTION("bad enumeration") {
    const std::string path = toy_with("\"noc\": {\"model\": \"cycle\"}");
    CHECK(config_load_error(path) == path + ": /noc/model: expected one of \"flit\", \"packet\", \"ideal\", got \"cycle\"");
  }
  SECTION("position outside the grid") {
    const std::string path = toy_with("\"dram\": {\"positions\": [[0, 0], [9, 0]]}");
    CHECK(config_load_error(path) == path + ": /dram/positions/1: expected a position inside the 4x5 grid, got [9,0]");
  }
  SECTION("inconsistent: compute grid larger than the chip's cores") {
    const std::string path = toy_with("\"chip\": {\"compute_grid\": {\"width\": 5, \"height\": 4}}");
    CHECK(config_load_error(path).find(path + ": /chip/compute_grid: expected a compute grid that fits") == 0);
  }
  SECTION("inconsistent: a DRAM channel on an unused position") {
    const std::string path = toy_with("\"chip\": {\"unused_positions\": [[0, 0]]}");
    CHECK(config_load_error(path) == path + ": /chip/unused_positions/0: expected a position that is not also a DRAM channel, got [0, 0]");
  }
  SECTION("inconsistent: a ring without dateline classes") {
    const std::string path = toy_with("\"noc\": {\"num_vcs\": 1}");
    CHECK(config_load_error(path).find(path + ": /noc/num_vcs: expected at least 2 virtual channels") == 0);
  }
  SECTION("inconsistent: VC buffers too short for a multicast packet") {
    const std::string path = toy_with("\"noc\": {\"vc_buf_flits\": 1, \"header_flits\": 1}");
    CHECK(config_load_error(path) == path + ": /noc/vc_buf_flits: expected more flits than header_flits (1), so that a "
                                     "multicast packet with payload fits one VC buffer, got 1");
  }
  SECTION("missing parent") {
    const std::string dir = fresh_temp_dir("config");
    write_text(dir + "/x.json", "{\"extends\": \"nowhere.json\"}");
    CHECK(config_load_error(dir + "/x.json").find(dir + "/x.json: /extends: expected an existing config file") == 0);
  }
  SECTION("missing file") {
    CHECK(config_load_error("/nonexistent/c.json") == "/nonexistent/c.json: cannot open file");
  }
}

TEST_CASE("the CLI exits 2 on a bad config and writes nothing", "[config][cli]") {
  const std::string path = toy_with("\"noc\": {\"link_bytes_per_cycle\": \"32B\"}");
  const std::string out = fresh_temp_dir("out") + "/report";
  auto r = tessera::test::run_tessera("run --config " + path + " --trace traces/gemm_1024.json --out " + out);
  CHECK(r.exit_code == 2);
  CHECK(r.err == "tessera run: " + path + ": /noc/link_bytes_per_cycle: expected a positive integer (at most 4096), got \"32B\"\n");
  CHECK(r.out.empty());
  CHECK_FALSE(std::filesystem::exists(out));

  r = tessera::test::run_tessera("run --config configs/toy_4x4.json --trace traces/gemm_1024.json --bogus");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("unrecognised option '--bogus'") != std::string::npos);
  r = tessera::test::run_tessera("validate --config " + path);
  CHECK(r.exit_code == 2);
}
