// System configs: the presets' grids and links against the measured T3000 topology and counts derived by
// hand, and every class of bad input refused with the file, the JSON path and what was expected.
#include <catch2/catch.hpp>

#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "sim/base/errors.h"
#include "sim/system/system_figures.h"
#include "sim/system/system_loader.h"
#include "tests/support/cli.h"

using namespace tessera;
using namespace tessera::system;
using tessera::test::fresh_temp_dir;
using tessera::test::run_tessera;
using tessera::test::write_text;

namespace {

const std::string kSystems = TESSERA_SOURCE_DIR "/configs/systems/";

nlohmann::json measured_topology() {
  std::ifstream in(TESSERA_SOURCE_DIR "/tests/data/systems/line4_topology.json");
  return nlohmann::json::parse(in);
}

// A two-chip Wormhole system with `links` as its link list, written to a temp file.
std::string n300_with(const std::string& links, const std::string& system_extra = "") {
  const std::string dir = fresh_temp_dir("system");
  write_text(dir + "/s.json", "{\"system\": {\"chip\": \"" TESSERA_SOURCE_DIR "/configs/wormhole_n150.json\", "
                              "\"devices\": [[0, 1]], \"routing\": \"line\"" + system_extra + "}, \"links\": " +
                                  links + "}");
  return dir + "/s.json";
}

std::string load_error(const std::string& path) {
  try {
    load_system_config(path);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("Wormhole Ethernet cores sit where tt-metal's measured topology puts each channel", "[system]") {
  const SystemConfig s = load_system_config(kSystems + "n300.json");
  const auto& eth = s.chips[0].chip.ethernet_positions;
  const auto coords = measured_topology()["eth_chan_to_coord"];
  REQUIRE(eth.size() == coords.size());
  for (const auto& [channel, xy] : coords.items()) {
    const GridPos p = eth[size_t(std::stoi(channel))];
    CHECK(p.x == xy[0].get<int>());
    CHECK(p.y == xy[1].get<int>());
  }
}

TEST_CASE("the t3000 preset holds every link the measured all-gather crossed, channel for channel", "[system]") {
  const SystemConfig s = load_system_config(kSystems + "t3000.json");
  using End = std::pair<int, int>;  // (device, channel)
  std::set<std::set<End>> cables;
  for (const EthLink& l : s.links) cables.insert(std::set<End>{End{l.a.chip, l.a.channel}, End{l.b.chip, l.b.channel}});
  const nlohmann::json topology = measured_topology();
  for (const auto& pair : topology["inter_device_channel_pairs"]) {
    const std::set<End> cable{End{pair["local_device_id"].get<int>(), pair["local_eth_channel"].get<int>()},
                              End{pair["remote_device_id"].get<int>(), pair["remote_eth_channel"].get<int>()}};
    CHECK(cables.count(cable) == 1);
  }
}

TEST_CASE("presets have the link counts their grids imply", "[system]") {
  // Links = edges of the grid (wrap-around edges included) x links per edge.
  struct Case { const char* file; int chips; int edges; int per_edge; };
  for (const Case& c : {Case{"n300", 2, 1, 2}, Case{"t3000", 8, 10, 2}, Case{"wh_galaxy", 32, 8 * 3 + 7 * 4, 4},
                        Case{"wh_galaxy_torus", 32, 8 * 4 + 8 * 4, 4}, Case{"p300", 2, 1, 2}, Case{"quietbox2", 4, 4, 2},
                        Case{"bh_loudbox", 8, 2 * 4 + 4, 2}, Case{"bh_galaxy", 32, 8 * 3 + 7 * 4, 2},
                        Case{"bh_galaxy_torus", 32, 64, 2}}) {
    INFO(c.file);
    const SystemConfig s = load_system_config(kSystems + c.file + ".json");
    CHECK(s.num_chips() == c.chips);
    CHECK(int(s.links.size()) == c.edges * c.per_edge);
    for (const auto& [pair, n] : links_per_pair(s)) CHECK(n == c.per_edge);
  }
}

TEST_CASE("info figures: bisection links and summed peak TFLOPS, derived by hand", "[system]") {
  const SystemConfig t3000 = load_system_config(kSystems + "t3000.json");
  // The cut between grid columns 1 and 2 crosses edges 3-2 and 7-6, two links each, 12.5 GB/s each way.
  const Bisection b = bisection(t3000);
  CHECK(b.links == 4);
  CHECK(b.gbytes_per_s == Approx(4 * 2 * 12.5));
  // 8 chips x 64 compute cores x 4096 FLOP per cycle at LoFi x 1 GHz.
  CHECK(peak_tflops(t3000, Fidelity::lofi) == Approx(8 * 64 * 4096 * 1e9 / 1e12));
  // A 4-ring cut in half: two neighbour pairs cross, the wrap-around one included.
  CHECK(bisection(load_system_config(kSystems + "quietbox2.json")).links == 2 * 2);
}

TEST_CASE("bad links are refused naming the file, the JSON path and what was expected", "[system]") {
  const std::string good = "[{\"a\": [0, 9, 6], \"b\": [1, 9, 0]}]";
  CHECK(load_error(n300_with(good)) == "no error");
  // [2, 2] is a Tensix core of a Wormhole.
  CHECK(load_error(n300_with("[{\"a\": [0, 2, 2], \"b\": [1, 9, 0]}]")).find(
            "/links/0/a: expected an Ethernet core of device 0") != std::string::npos);
  CHECK(load_error(n300_with("[{\"a\": [0, 9, 6], \"b\": [2, 9, 0]}]")).find(
            "/links/0/b/0: expected a device id in [0, 1], got 2") != std::string::npos);
  CHECK(load_error(n300_with("[{\"a\": [0, 9, 6], \"b\": [1, 9, 0]}, {\"a\": [0, 1, 6], \"b\": [1, 9, 0]}]"))
            .find("/links/1/b: expected a port no other link uses, got device 1 core [9, 0], already used by /links/0") !=
        std::string::npos);
  CHECK(load_error(n300_with("[{\"a\": [0, 9, 6], \"b\": [0, 9, 0]}]")).find("/links/0/b: expected a port on another device") !=
        std::string::npos);
  CHECK(load_error(n300_with("[]")).find("/links: expected at least one link between neighbouring devices 0 and 1") !=
        std::string::npos);
  CHECK(load_error(n300_with(good, ", \"wrap\": [true, false]")).find("/system/wrap:") != std::string::npos);
  CHECK(load_error(n300_with(good, ", \"speed\": 3")).find("/system/speed: unknown key") != std::string::npos);
}

TEST_CASE("links only join neighbouring devices; a ring must be closed", "[system]") {
  const std::string dir = fresh_temp_dir("system");
  const std::string chip = TESSERA_SOURCE_DIR "/configs/wormhole_n150.json";
  const std::string head = "{\"system\": {\"chip\": \"" + chip + "\", \"devices\": [[0, 1, 2]], ";
  // 0-1 and 1-2 joined, then 0-2: neighbours only on a ring.
  const std::string links = "\"links\": [{\"a\": [0, 7, 6], \"b\": [1, 9, 6]}, {\"a\": [1, 7, 6], \"b\": [2, 9, 6]}, "
                            "{\"a\": [0, 1, 0], \"b\": [2, 9, 0]}]}";
  write_text(dir + "/line.json", head + "\"routing\": \"line\"}, " + links);
  CHECK(load_error(dir + "/line.json").find("/links/2: expected a link between neighbouring devices") != std::string::npos);
  write_text(dir + "/ring.json", head + "\"routing\": \"ring\", \"wrap\": [true, false]}, " + links);
  CHECK(load_error(dir + "/ring.json") == "no error");
  write_text(dir + "/open_ring.json", head + "\"routing\": \"ring\", \"wrap\": [true, false]}, \"links\": "
                                             "[{\"a\": [0, 7, 6], \"b\": [1, 9, 6]}, {\"a\": [1, 7, 6], \"b\": [2, 9, 6]}]}");
  CHECK(load_error(dir + "/open_ring.json").find("between neighbouring devices 2 and 0") != std::string::npos);
}

TEST_CASE("a chip preset's Ethernet cores must be router-only positions", "[system]") {
  const std::string dir = fresh_temp_dir("system");
  write_text(dir + "/chip.json", "{\"extends\": \"" TESSERA_SOURCE_DIR "/configs/wormhole_n150.json\", "
                                 "\"chip\": {\"ethernet_positions\": [[9, 0], [2, 2]]}}");
  const auto r = run_tessera("validate --config " + dir + "/chip.json");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("/chip/ethernet_positions/1: expected one of chip.unused_positions") != std::string::npos);
}

TEST_CASE("tessera validate and info --system: ok, figures, exit 2 on bad input", "[system][cli]") {
  auto ok = run_tessera("validate --system configs/systems/t3000.json");
  CHECK(ok.exit_code == 0);
  CHECK(ok.out.find("8 chips, 20 Ethernet links") != std::string::npos);
  auto info = run_tessera("info --system configs/systems/wh_galaxy.json");
  CHECK(info.exit_code == 0);
  CHECK(info.out.find("bisection       16 links") != std::string::npos);  // 4 columns x 4 links between rows 3 and 4
  auto bad = run_tessera("validate --system " + n300_with("[{\"a\": [0, 2, 2], \"b\": [1, 9, 0]}]"));
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("/links/0/a: expected an Ethernet core") != std::string::npos);
  CHECK(bad.out.empty());
}
