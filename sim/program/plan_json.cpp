// The Plan as JSON, for --dump-plan: every decision the mapper made, readable and diffable.
#include "sim/program/plan.h"

#include "sim/base/data_format.h"

namespace tessera {

static nlohmann::json levels_json(const std::vector<BufferLevel>& levels) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& l : levels) out.push_back({l.buffer, l.tiles});
  return out;
}

static nlohmann::json reshape_json(const ReshapeWork& r) {
  if (r.bytes == 0) return nullptr;
  nlohmann::json j = {{"kind", to_string(r.kind)}, {"bytes", r.bytes}};
  if (r.compressed_bytes) j["compressed_bytes"] = r.compressed_bytes;
  return j;
}

static nlohmann::json unpack_json(const std::vector<UnpackRead>& reads) {
  nlohmann::json j = nlohmann::json::array();
  for (const UnpackRead& r : reads)
    if (r.bytes) j.push_back({{"bytes", r.bytes}, {"slow", r.slow}});
  return j;
}

static nlohmann::json math_json(const MathWork& m) {
  if (m.kind == MathKind::none) return nullptr;
  nlohmann::json j = {{"kind", to_string(m.kind)}, {"fidelity", to_string(m.fidelity)}};
  if (m.kind == MathKind::matmul) {
    j["tiles_mnk"] = {m.m_tiles, m.n_tiles, m.k_tiles};
    if (m.batches != 1) j["batches"] = m.batches;
    if (m.rows_per_m_tile != kTileDim) j["rows_per_m_tile"] = m.rows_per_m_tile;
    if (m.live_fraction != 1.0) j["live_fraction"] = m.live_fraction;
    if (m.vector_lane_ops) j["vector_lane_ops"] = m.vector_lane_ops;
    return j;
  }
  if (!m.function.empty()) j["function"] = m.function;
  j["tiles"] = m.tiles;
  if (m.window != 1) j["window"] = m.window;
  if (m.tiles_per_row != 1) j["tiles_per_row"] = m.tiles_per_row;
  return j;
}

nlohmann::json Plan::to_json() const {
  nlohmann::json j;
  j["sram_capacity_bytes"] = sram_capacity_bytes;
  j["ops"] = nlohmann::json::array();
  for (const OpPlan& o : ops) {
    nlohmann::json op = {{"name", o.name}, {"type", o.type}, {"macs", o.macs}, {"executed_macs", o.executed_macs},
                         {"cores", o.cores}, {"grid", {o.grid_rows, o.grid_cols}}, {"output_tiles", o.output_tiles},
                         {"weight_bytes", o.weight_bytes}, {"sram_peak_bytes", o.sram_peak_bytes},
                         {"fidelity", to_string(o.fidelity)}, {"format", to_string(o.format)}};
    if (!o.format_rule.empty()) op["format_rule"] = o.format_rule;
    if (!o.conv_rule.empty()) op["conv_rule"] = o.conv_rule;
    if (!o.conv_algorithm.empty()) op["conv_algorithm"] = o.conv_algorithm;
    if (!o.note.empty()) op["note"] = o.note;
    j["ops"].push_back(op);
  }
  j["cores"] = nlohmann::json::array();
  for (const CoreProgram& c : cores) {
    nlohmann::json core = {{"pos", {c.pos.x, c.pos.y}}, {"sram_peak_bytes", c.sram_peak_bytes}};
    core["buffers"] = nlohmann::json::array();
    for (const auto& b : c.buffers) core["buffers"].push_back({{"name", b.name}, {"capacity_tiles", b.capacity_tiles}, {"tile_bytes", b.tile_bytes}});
    core["reader"] = nlohmann::json::array();
    for (const auto& r : c.reader) {
      core["reader"].push_back({{"op", r.op}, {"channel", r.channel}, {"bytes", r.bytes}, {"tiles", r.tiles},
                                {"dst_cores", r.dst_cores}, {"dst_buffers", r.dst_buffers}, {"reserve", r.reserve}, {"stream", r.stream},
                                {"waits", levels_json(r.waits)}});
      if (r.page_bytes) core["reader"].back()["page_bytes"] = r.page_bytes;
      if (r.pages_per_barrier) core["reader"].back()["pages_per_barrier"] = r.pages_per_barrier;
      if (r.fill_elements) core["reader"].back()["fill_elements"] = r.fill_elements;
    }
    core["compute"] = nlohmann::json::array();
    for (const auto& k : c.compute)
      core["compute"].push_back({{"op", k.op}, {"waits", levels_json(k.waits)}, {"pops", levels_json(k.pops)},
                                 {"reshape", reshape_json(k.reshape)}, {"unpack", unpack_json(k.unpack)},
                                 {"math", math_json(k.math)}, {"pack_bytes", k.pack_bytes},
                                 {"launches_kernel", k.launches_kernel}, {"macs", k.macs},
                                 {"out", {k.out_buffer, k.out_tiles}}});
    core["writer"] = nlohmann::json::array();
    for (const auto& w : c.writer) {
      core["writer"].push_back({{"op", w.op}, {"source", {w.source.buffer, w.source.tiles}}, {"bytes", w.bytes},
                                {"tiles", w.tiles}, {"dst_cores", w.dst_cores}, {"dst_buffers", w.dst_buffers},
                                {"to_dram", w.to_dram}, {"channel", w.channel}, {"compressed", w.compressed}});
      if (w.launch.buffer >= 0) core["writer"].back()["launch"] = {w.launch.buffer, w.launch.tiles};
      if (w.page_bytes) core["writer"].back()["page_bytes"] = w.page_bytes;
      if (w.pages_per_barrier) core["writer"].back()["pages_per_barrier"] = w.pages_per_barrier;
      if (w.pop_tiles) core["writer"].back()["pop_tiles"] = w.pop_tiles;
      if (w.sent.buffer >= 0) core["writer"].back()["sent"] = {{"buffer", w.sent.buffer}, {"tiles", w.sent.tiles}};
    }
    j["cores"].push_back(core);
  }
  if (!launches.empty()) {
    j["launches"] = nlohmann::json::array();
    for (const Launch& l : launches) {
      nlohmann::json done = nlohmann::json::array();
      for (const auto& [core, level] : l.done) done.push_back({core, level.buffer, level.tiles});
      j["launches"].push_back({{"op", l.op}, {"cores", l.cores}, {"done", done}});
    }
  }
  return j;
}

}  // namespace tessera
