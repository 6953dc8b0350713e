// tessera noc-trace: hand-computed replays, silicon traces against the golden computed here from the trace
// itself, and malformed traces.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/cli.h"

using namespace tessera::test;
using Json = nlohmann::json;

namespace {

const char* kConfig = "configs/wormhole_n150.json";
// Every figure the hand computations use, pinned so that recalibrating the preset does not move them.
const char* kPinned =
    " --set noc.model=packet --set noc.link_bytes_per_cycle=32 --set noc.header_flits=1"
    " --set noc.injection_latency_cycles=5 --set noc.ejection_latency_cycles=5"
    " --set noc.router_delays.routing=2 --set noc.router_delays.vc_alloc=2 --set noc.router_delays.sw_alloc=2"
    " --set noc.router_delays.st_prepare=0 --set noc.router_delays.st_final=2 --set noc.router_delays.link=1"
    " --set dram.read_latency_cycles=270 --set dram.channel_bandwidth_gbps=24"
    " --set packet_manager.engine.request_bytes=0 --set packet_manager.engine.response_packet_bytes=1024"
    " --set packet_manager.engine.riscv_issue_cycles=124 --set packet_manager.engine.niu_read_credits=64";

Json event(const char* type, uint64_t ts) {
  return {{"proc", "NCRISC"}, {"noc", "NOC_0"}, {"vc", -1}, {"sx", 1}, {"sy", 1}, {"dx", -1}, {"dy", -1},
          {"num_bytes", 0}, {"type", type}, {"timestamp", ts}};
}
Json read(int dx, int dy, uint64_t bytes, uint64_t ts) {
  Json e = event("READ", ts);
  e["dx"] = dx, e["dy"] = dy, e["num_bytes"] = bytes;
  return e;
}

Json replay(const Json& trace, const std::string& flags) {
  const std::string dir = fresh_temp_dir("noc_trace");
  write_text(dir + "/t.json", trace.dump());
  CliResult r = run_tessera("noc-trace " + dir + "/t.json --config " + kConfig + flags + " --json");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::filesystem::remove_all(dir);
  return Json::parse(r.out);
}

// tt-npe's golden: last minus first timestamp of the file, minus 20.
uint64_t golden_of(const std::string& path) {
  const Json t = Json::parse(read_text(path));
  uint64_t lo = UINT64_MAX, hi = 0;
  for (const Json& e : t) lo = std::min<uint64_t>(lo, e["timestamp"]), hi = std::max<uint64_t>(hi, e["timestamp"]);
  return hi - lo - 20;
}

}  // namespace

TEST_CASE("noc-trace: one DRAM read lands when the NoC and the channel say", "[noc_trace]") {
  // Core (1,1) reads 2048 B from the DRAM bank at (0,1) on NoC0 (east, then south, on rings).
  // Request: 1 header flit over 9 hops east (1 -> 9 -> 0): injection 5 + 9 hops x 9 + router 8 + ejection 5
  // = 99. The channel: latency 270, then 2048 B at 24 B/cycle = 86 cycles, so data flows over [369, 455).
  // Two 1024 B response packets of 33 flits, each leaving when its last byte is read less its 32 cycles on
  // the link: 369 + 43 - 32 = 380 and 369 + 86 - 32 = 423. The second (not held up behind the first, whose
  // injection port frees at 385 + 33 = 418) enters the router at 428, takes 8 + 1 to (1,1), 8 there, and
  // its tail arrives 32 cycles after its head, plus ejection 5: 428 + 9 + 8 + 32 + 5 = 482.
  // The barrier ends then; predicted = 482 - 20.
  Json trace = Json::array({read(0, 1, 2048, 1000), event("READ_BARRIER_START", 1001), event("READ_BARRIER_END", 1300)});
  for (const char* issue : {"recorded", "engine"}) {
    const Json r = replay(trace, std::string(kPinned) + " --issue " + issue);
    CHECK(r["predicted_cycles"] == 462);
    CHECK(r["golden_cycles"] == 280);
  }
}

TEST_CASE("noc-trace: engine issue spaces a RISC-V's calls by the issue cost and waits at barriers", "[noc_trace]") {
  // Two reads recorded 1000 cycles apart from two different banks (nothing shared): engine mode issues the
  // second 124 cycles after the first, so it lands 876 cycles earlier than in recorded mode.
  Json trace = Json::array({read(0, 1, 2048, 1000), read(0, 11, 2048, 2000), event("READ_BARRIER_START", 2001),
                            event("READ_BARRIER_END", 3000)});
  const Json rec = replay(trace, std::string(kPinned) + " --issue recorded");
  const Json eng = replay(trace, std::string(kPinned) + " --issue engine");
  CHECK(int64_t(rec["predicted_cycles"]) - int64_t(eng["predicted_cycles"]) == 1000 - 124);
}

TEST_CASE("noc-trace: a core answers queued reads back to back and pays its read latency once per busy spell",
          "[noc_trace]") {
  // Core (2,1) reads 4 x 4096 B from core (1,1) on NoC0; the responder answers at 16 B/cycle (256 cycles a
  // read) after a 150-cycle latency from a request's arrival to its first data. A request is 1 header flit,
  // 9 hops east round the ring (2 -> 9 -> 0 -> 1): 5 + 9 x 9 + 8 + 5 = 99 cycles. Each 1024 B response packet
  // (33 flits) leaves when its last byte is read less its 32 cycles on the link; the last of a read leaves
  // 256 - 32 cycles after that read's data starts and lands 5 + 9 + 8 + 32 + 5 = 59 cycles later, i.e. 27
  // cycles after the read's data has all been read. Packets leave every 64 cycles and hold the injection
  // port 33, so nothing queues in the NoC.
  const std::string flags = std::string(kPinned) +
                            " --set packet_manager.engine.niu_response_bytes_per_cycle=16"
                            " --set packet_manager.engine.l1_read_latency_cycles=150";
  auto reads_at = [](std::vector<uint64_t> times) {
    Json t = Json::array();
    for (uint64_t ts : times) t.push_back(read(1, 1, 4096, ts));
    t.push_back(event("READ_BARRIER_START", times.back() + 1));
    t.push_back(event("READ_BARRIER_END", times.back() + 2));
    for (Json& e : t) e["sx"] = 2;
    return t;
  };
  // Queued: requests arrive from 1099 on, while the first is being answered, so the latency overlaps the
  // reads ahead of them: data starts at 1099 + 150 = 1249, four reads end at 1249 + 4 x 256 = 2273, the last
  // packet lands at 2300; predicted = 2300 - 1000 - 20. (Paid per read it would be 1730; not at all, 1130.)
  // Engine issue (a read every 124 cycles) keeps the queue full, so the same.
  for (const char* issue : {"recorded", "engine"}) {
    const Json r = replay(reads_at({1000, 1001, 1002, 1003}), flags + " --issue " + issue);
    INFO(issue);
    CHECK(r["predicted_cycles"] == 1280);
  }
  // Spread 1000 cycles apart the responder idles between reads and pays the latency each time: the last read,
  // issued at 4000, lands at 4000 + 99 + 150 + 256 + 27 = 4532; predicted = 4532 - 1000 - 20. (A latency paid
  // once per trace would give 3362.)
  const Json spread = replay(reads_at({1000, 2000, 3000, 4000}), flags + " --issue recorded");
  CHECK(spread["predicted_cycles"] == 3512);
  // Two readers share the source's queue: (2,1) as above and (1,2), whose requests go 11 hops south round the
  // column (18 + 11 x 9 = 117 cycles) and whose answers are 1 hop south, the same 27-cycle tail. Requests
  // arrive 1099, 1100 (from (2,1)) and 1117, 1118 (from (1,2)) and are answered in that order from 1249:
  // (2,1) has its data at 1249 + 2 x 256 + 27 = 1788, (1,2) at 1249 + 4 x 256 + 27 = 2300.
  Json two = reads_at({1000, 1001});
  for (Json e : reads_at({1000, 1001})) {
    e["sx"] = 1, e["sy"] = 2;
    two.push_back(e);
  }
  const Json shared = replay(two, flags + " --issue recorded");
  CHECK(shared["predicted_cycles"] == 1280);
  REQUIRE(shared["cores"].size() == 2);
  for (const Json& c : shared["cores"]) {
    INFO(c.dump());
    CHECK(c["finish_cycles"] == (c["y"] == 1 ? 788 : 1300));
  }
}

TEST_CASE("noc-trace: silicon traces replay within the calibration error of their measured duration", "[noc_trace]") {
  // Two calibration traces and one held out (scripts/validate_noc_traces.py); bounds: the issue's 5 % in
  // recorded mode (all 24 are within it, docs/validation.md), 8 % in engine mode (the worst over all 24,
  // 7.1 %, rounded up).
  for (const char* name : {"DRAM_TO_1x1_HEIGHT", "2x2_BLOCK_TO_4x4_BLOCK", "DRAM_TO_2x4_HEIGHT"}) {
    const std::string path = std::string("tests/data/silicon/noc_traces/") + name + ".json";
    const double golden = double(golden_of(path));
    for (const char* issue : {"recorded", "engine"}) {
      CliResult r = run_tessera("noc-trace " + path + " --config " + kConfig + " --issue " + issue + " --json");
      REQUIRE(r.exit_code == 0);
      const Json j = Json::parse(r.out);
      INFO(name << " " << issue << " predicted " << j["predicted_cycles"] << " golden " << golden);
      CHECK(std::abs(double(j["predicted_cycles"]) - golden) / golden < (std::string(issue) == "recorded" ? 0.05 : 0.08));
    }
  }
}

TEST_CASE("noc-trace: writes, multicasts, atomics and unmodelled kinds are replayed or counted", "[noc_trace]") {
  Json w = event("WRITE", 100);
  w["dx"] = 2, w["dy"] = 2, w["num_bytes"] = 4096;
  Json m = event("WRITE_MULTICAST", 110);
  m["num_bytes"] = 2048, m["mcast_start_x"] = 1, m["mcast_start_y"] = 2, m["mcast_end_x"] = 4, m["mcast_end_y"] = 3;
  Json s = event("SEMAPHORE_INC", 120);
  s["dx"] = 3, s["dy"] = 3;
  Json trace = Json::array({w, m, s, event("SEMAPHORE_WAIT", 130), event("WRITE_BARRIER_START", 140),
                            event("WRITE_BARRIER_END", 900), event("ATOMIC_BARRIER", 150)});
  const Json r = replay(trace, kPinned);
  CHECK(r["transfers"] == 3);
  CHECK(r["unmodelled"]["SEMAPHORE_WAIT"] == 1);
  // The write barrier ends after the 4096 B write's acknowledgement: at least 128 flits after its call.
  CHECK(int64_t(r["predicted_cycles"]) + 20 > 128);
}

TEST_CASE("noc-trace: --out writes a timeline and a links CSV, the same on every run", "[noc_trace]") {
  const std::string dir = fresh_temp_dir("noc_trace_out");
  const std::string cmd = std::string("noc-trace tests/data/silicon/noc_traces/DRAM_TO_1x4_BLOCK.json --config ") +
                          kConfig + " --issue engine --out " + dir;
  REQUIRE(run_tessera(cmd).exit_code == 0);
  const std::string timeline = read_text(dir + "/timeline.json"), links = read_text(dir + "/links.csv");
  CHECK(Json::parse(timeline)["traceEvents"].size() > 128);
  CHECK(links.rfind("link,flits,busy_cycles,utilisation\n", 0) == 0);
  REQUIRE(run_tessera(cmd).exit_code == 0);
  CHECK(read_text(dir + "/timeline.json") == timeline);
  CHECK(read_text(dir + "/links.csv") == links);
  std::filesystem::remove_all(dir);
}

TEST_CASE("noc-trace: malformed NoC traces get one message naming the file and the JSON path, exit 2", "[noc_trace]") {
  const std::string dir = fresh_temp_dir("noc_trace_bad");
  auto expect = [&](const std::string& text, const std::string& what) {
    write_text(dir + "/bad.json", text);
    CliResult r = run_tessera("noc-trace " + dir + "/bad.json --config " + std::string(kConfig) + " --out " + dir + "/out");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(dir + "/bad.json: " + what) != std::string::npos);
    CHECK(r.err.find('\n') == r.err.size() - 1);  // one line
    CHECK(!std::filesystem::exists(dir + "/out"));  // no partial outputs
  };
  Json many = Json::array();
  for (int i = 0; i < 13; ++i) many.push_back(read(0, 1, 2048, 1000 + i));
  many[12]["num_bytes"] = "2048";
  expect(many.dump(), "[12].num_bytes: expected an integer, got \"2048\"");
  Json neg = Json::array({read(0, 1, 2048, 1)});
  neg[0]["num_bytes"] = -4;
  expect(neg.dump(), "[0].num_bytes: expected an integer in [0, ");
  expect("{\"events\": []}", "/: expected a JSON array of NoC events");
  expect("[{\"proc\": ", "/: not valid JSON");
  Json unknown = Json::array({event("READ_SIDEWAYS", 5)});
  expect(unknown.dump(), "[0].type: unknown event type \"READ_SIDEWAYS\"");
  Json noc = Json::array({read(0, 1, 64, 5)});
  noc[0]["noc"] = "NOC_2";
  expect(noc.dump(), "[0].noc: expected \"NOC_0\" or \"NOC_1\"");
  Json outside = Json::array({read(12, 1, 64, 5)});
  expect(outside.dump(), "[0].dx: (12, 1) is outside the 10x12 NoC grid");
  Json fabric = Json::array({read(0, 1, 64, 5)});
  fabric[0]["src_device_id"] = 0;
  expect(fabric.dump(), "[0].src_device_id: a multi-chip (fabric) trace");
  Json notarget = Json::array({read(-1, -1, 64, 5)});
  expect(notarget.dump(), "[0].dx: READ needs its target core");
  std::filesystem::remove_all(dir);
}
