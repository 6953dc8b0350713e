// tessera noc-trace --system: the measured 4-chip all-gather split per device and replayed; each device's
// measured span as tt-npe defines it (computed here from the file); bad traces and topologies refused.
#include <catch2/catch.hpp>

#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "sim/base/errors.h"
#include "sim/system/fabric_trace.h"
#include "sim/system/system_loader.h"
#include "tests/support/cli.h"

using namespace tessera;
using namespace tessera::system;
using tessera::test::fresh_temp_dir;
using tessera::test::run_tessera;
using tessera::test::write_text;

namespace {

const std::string kTrace = TESSERA_SOURCE_DIR "/tests/data/systems/line4_all_gather.json";
const std::string kTopology = TESSERA_SOURCE_DIR "/tests/data/systems/line4_topology.json";
const std::string kT3000 = TESSERA_SOURCE_DIR "/configs/systems/t3000.json";

nlohmann::json trace_json() {
  std::ifstream in(kTrace);
  return nlohmann::json::parse(in);
}

}  // namespace

TEST_CASE("the line-4 trace splits into its four devices with each one's measured span", "[system][fabric_trace]") {
  // Golden per device straight from the file: last minus first timestamp of its events, minus 20.
  std::map<int, std::pair<uint64_t, uint64_t>> span;
  std::map<int, int> fabric;
  for (const auto& e : trace_json()) {
    if (!e.contains("src_device_id")) continue;
    const int d = e["src_device_id"];
    const uint64_t t = e["timestamp"];
    auto [it, fresh] = span.try_emplace(d, t, t);
    it->second.first = std::min(it->second.first, t);
    it->second.second = std::max(it->second.second, t);
    fabric[d] += e.value("type", "") == "FABRIC_UNICAST_WRITE";
  }
  const auto r = run_tessera("noc-trace " + kTrace + " --system configs/systems/t3000.json --topology " + kTopology + " --json");
  REQUIRE(r.exit_code == 0);
  const auto out = nlohmann::json::parse(r.out);
  REQUIRE(out["devices"].size() == span.size());
  uint64_t longest = 0;
  for (const auto& d : out["devices"]) {
    const auto [first, last] = span.at(d["device"].get<int>());
    CHECK(d["golden_cycles"].get<uint64_t>() == last - first - 20);
    CHECK(d["fabric_writes"].get<int>() == fabric.at(d["device"].get<int>()));
    longest = std::max(longest, last - first - 20);
  }
  CHECK(out["golden_cycles"].get<uint64_t>() == longest);
}

TEST_CASE("a fabric write's local leg: payload, the trace's header, then the slot-pointer update", "[system][fabric_trace]") {
  const SystemConfig s = load_system_config(kT3000);
  const FabricTrace t = read_fabric_trace(kTrace, s);
  int pointers = 0;
  for (const DeviceTrace& d : t.devices) {
    const auto& eth = s.chips[size_t(d.device)].chip.ethernet_positions;
    const auto& ev = d.trace.events;
    int payloads = 0, inline_writes = 0;
    for (size_t i = 0; i < ev.size(); ++i) {
      // The payload alone (the header is a write of its own, not added to it) into an Ethernet core.
      CHECK(ev[i].num_bytes != 1088 + 48);
      if (ev[i].action == noc_trace::Action::write && ev[i].num_bytes == 1088 &&
          std::find(eth.begin(), eth.end(), GridPos{ev[i].dx, ev[i].dy}) != eth.end())
        ++payloads;
      if (ev[i].type != "WRITE_INLINE") continue;
      // The slot-pointer update (4 B, untraced) right after the 32 B header write to the same Ethernet core.
      ++inline_writes;
      REQUIRE(i > 0);
      CHECK(ev[i].num_bytes == 4);
      CHECK(ev[i - 1].type == "WRITE");
      CHECK(ev[i - 1].num_bytes == 32);
      CHECK(ev[i - 1].dx == ev[i].dx);
      CHECK(ev[i - 1].dy == ev[i].dy);
      CHECK(std::find(eth.begin(), eth.end(), GridPos{ev[i].dx, ev[i].dy}) != eth.end());
    }
    CHECK(payloads >= d.fabric_writes);
    CHECK(inline_writes == d.fabric_writes);
    CHECK(d.slot_pointer_writes == d.fabric_writes);
    pointers += inline_writes;
  }
  CHECK(pointers == 60);  // one per fabric write of the trace
}

TEST_CASE("multi-chip traces and topologies that do not fit the system are refused", "[system][fabric_trace]") {
  // On an n300 (devices 0 and 1), device 4 does not exist.
  auto r = run_tessera("noc-trace " + kTrace + " --system configs/systems/n300.json");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find(".src_device_id: expected a device of") != std::string::npos);
  CHECK(r.out.empty());
  // A topology pair the system lacks: device 0 channel 5 is not linked in the t3000 preset.
  const std::string dir = fresh_temp_dir("fabric");
  write_text(dir + "/topo.json", "{\"inter_device_channel_pairs\": [{\"local_device_id\": 0, \"local_eth_channel\": 5, "
                                 "\"remote_device_id\": 3, \"remote_eth_channel\": 5}]}");
  r = run_tessera("noc-trace " + kTrace + " --system configs/systems/t3000.json --topology " + dir + "/topo.json");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("/inter_device_channel_pairs/0: expected a link of") != std::string::npos);
  // Without --system the trace is refused, pointing at it.
  r = run_tessera("noc-trace " + kTrace + " --config configs/wormhole_n150.json");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--system") != std::string::npos);
}
