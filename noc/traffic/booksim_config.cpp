#include "noc/traffic/booksim_config.h"

#include <cctype>
#include <fstream>
#include <map>
#include <sstream>

#include "sim/base/errors.h"

namespace tessera::noc {
namespace {

// key, and whether its value must equal a fixed setting this simulator implements ("" when free).
struct KeyRule {
  const char* key;
  const char* only_value;
};

const KeyRule kKeys[] = {
    {"topology", ""}, {"k", ""}, {"n", "2"}, {"c", "1"}, {"routing_function", ""}, {"num_vcs", ""},
    {"vc_buf_size", ""}, {"traffic", ""}, {"packet_size", ""}, {"injection_rate", ""},
    {"injection_rate_uses_flits", ""}, {"routing_delay", ""}, {"vc_alloc_delay", ""}, {"sw_alloc_delay", ""},
    {"st_prepare_delay", ""}, {"st_final_delay", ""}, {"credit_delay", ""}, {"sim_type", "latency"},
    {"warmup_periods", ""}, {"sample_period", ""}, {"max_samples", ""}, {"latency_thres", ""},
    {"seed", ""}, {"use_noc_latency", ""}, {"router", "iq"}, {"vc_allocator", "islip"},
    {"sw_allocator", "islip"}, {"alloc_iters", "1"}, {"wait_for_tail_credit", "0"}, {"input_speedup", "1"},
    {"output_speedup", "1"}, {"internal_speedup", "1.0"}, {"sim_count", "1"}, {"priority", "none"},
    {"use_read_write", "0"}, {"classes", "1"}, {"speculative", "0"}, {"hold_switch_for_packet", "0"},
};

// Fixed settings compare as numbers when both sides are numbers ("1" equals "1.0").
bool number_or_text_differs(const std::string& value, const std::string& expected) {
  try {
    size_t a = 0, b = 0;
    double x = std::stod(value, &a), y = std::stod(expected, &b);
    if (a == value.size() && b == expected.size()) return x != y;
  } catch (const std::exception&) {
  }
  return value != expected;
}

[[noreturn]] void fail(const std::string& path, const std::string& what) { throw InputError(path + ": " + what); }

std::map<std::string, std::string> parse_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) fail(path, "cannot read the BookSim2 configuration file");
  std::stringstream text;
  text << in.rdbuf();
  std::string src = text.str();
  // Strip comments.
  std::string clean;
  for (size_t i = 0; i < src.size(); ++i) {
    if (src.compare(i, 2, "//") == 0) {
      while (i < src.size() && src[i] != '\n') ++i;
      clean += '\n';
    } else if (src.compare(i, 2, "/*") == 0) {
      size_t end = src.find("*/", i + 2);
      if (end == std::string::npos) fail(path, "unterminated /* comment");
      i = end + 1;
    } else {
      clean += src[i];
    }
  }
  std::map<std::string, std::string> values;
  std::stringstream statements(clean);
  std::string statement;
  auto trim = [](std::string s) {
    size_t a = s.find_first_not_of(" \t\r\n"), b = s.find_last_not_of(" \t\r\n");
    return a == std::string::npos ? std::string() : s.substr(a, b - a + 1);
  };
  while (std::getline(statements, statement, ';')) {
    statement = trim(statement);
    if (statement.empty()) continue;
    size_t eq = statement.find('=');
    if (eq == std::string::npos) fail(path, "expected 'key = value;', got '" + statement + "'");
    std::string key = trim(statement.substr(0, eq)), value = trim(statement.substr(eq + 1));
    if (key.empty() || value.empty()) fail(path, "expected 'key = value;', got '" + statement + "'");
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    values[key] = value;
  }
  return values;
}

double number(const std::string& path, const std::string& key, const std::string& value) {
  try {
    size_t used = 0;
    double v = std::stod(value, &used);
    if (used == value.size()) return v;
  } catch (const std::exception&) {
  }
  fail(path, "key '" + key + "': expected a number, got '" + value + "'");
}

int integer(const std::string& path, const std::string& key, const std::string& value, int lo, int hi) {
  double v = number(path, key, value);
  if (v != static_cast<int>(v) || v < lo || v > hi)
    fail(path, "key '" + key + "': expected an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) +
                   "], got '" + value + "'");
  return static_cast<int>(v);
}

}  // namespace

std::vector<std::string> supported_booksim_keys() {
  std::vector<std::string> keys;
  for (const KeyRule& rule : kKeys) keys.push_back(rule.key);
  return keys;
}

SyntheticSetup read_booksim_config(const std::string& path) {
  std::map<std::string, std::string> values = parse_file(path);
  for (const auto& [key, value] : values) {
    const KeyRule* rule = nullptr;
    for (const KeyRule& r : kKeys)
      if (key == r.key) rule = &r;
    if (!rule) fail(path, "unsupported BookSim2 key '" + key + "'");
    if (rule->only_value[0] != '\0' && number_or_text_differs(value, rule->only_value))
      fail(path, "key '" + key + "': only '" + rule->only_value + "' is supported, got '" + value + "'");
  }
  auto get = [&](const char* key, const char* fallback) {
    auto it = values.find(key);
    return it == values.end() ? std::string(fallback) : it->second;
  };

  SyntheticSetup s;
  NocConfig& net = s.network;
  net.fidelity = Fidelity::flit;
  const std::string topology = get("topology", "torus");
  if (topology == "torus") net.topology = Topology::torus;
  else if (topology == "mesh") net.topology = Topology::mesh;
  else fail(path, "key 'topology': only torus and mesh are supported, got '" + topology + "'");
  const std::string routing = get("routing_function", "dim_order");
  if (routing != "dim_order" && routing != "dor")
    fail(path, "key 'routing_function': only dim_order is supported, got '" + routing + "'");
  net.width = net.height = integer(path, "k", get("k", "8"), 1, 256);
  net.num_vcs = integer(path, "num_vcs", get("num_vcs", "16"), 1, 16);
  net.vc_buf_flits = integer(path, "vc_buf_size", get("vc_buf_size", "8"), 1, 4096);
  net.delays.routing = integer(path, "routing_delay", get("routing_delay", "1"), 0, 100);
  net.delays.vc_alloc = integer(path, "vc_alloc_delay", get("vc_alloc_delay", "1"), 0, 100);
  net.delays.sw_alloc = integer(path, "sw_alloc_delay", get("sw_alloc_delay", "1"), 0, 100);
  net.delays.st_prepare = integer(path, "st_prepare_delay", get("st_prepare_delay", "0"), 0, 100);
  net.delays.st_final = integer(path, "st_final_delay", get("st_final_delay", "1"), 0, 100);
  net.delays.credit = integer(path, "credit_delay", get("credit_delay", "0"), 0, 100);
  // BookSim2's k-ary n-cubes with use_noc_latency (its default) give torus channels 2 cycles (a folded
  // torus's links span two tiles) and mesh channels 1.
  const bool noc_latency = integer(path, "use_noc_latency", get("use_noc_latency", "1"), 0, 1) == 1;
  net.delays.link = (noc_latency && net.topology == Topology::torus) ? 2 : 1;
  // Its injection and ejection channels take 1 cycle each, and the traffic manager retires a flit one
  // cycle after the ejection channel delivers it: 3 cycles outside the routers.
  net.injection_latency = 1;
  net.ejection_latency = 2;
  net.header_flits = 0;
  s.traffic = get("traffic", "uniform");
  s.packet_flits = integer(path, "packet_size", get("packet_size", "1"), 1, 1 << 20);
  s.injection_rate = number(path, "injection_rate", get("injection_rate", "0.15"));
  s.injection_rate_uses_flits = integer(path, "injection_rate_uses_flits", get("injection_rate_uses_flits", "0"), 0, 1) == 1;
  s.warmup_periods = integer(path, "warmup_periods", get("warmup_periods", "3"), 0, 1000);
  s.sample_period = integer(path, "sample_period", get("sample_period", "1000"), 1, 100000000);
  s.max_samples = integer(path, "max_samples", get("max_samples", "10"), 1, 100000);
  s.latency_threshold = number(path, "latency_thres", get("latency_thres", "500"));
  s.seed = static_cast<uint64_t>(integer(path, "seed", get("seed", "0"), 0, 2147483647));
  return s;
}

}  // namespace tessera::noc
