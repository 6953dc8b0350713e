#include "sim/workload/trace_v2_keys.h"

#include "sim/base/errors.h"
#include "sim/workload/trace_reader.h"

namespace tessera {
namespace {

// Logical core coordinates: far above any chip's grid, small enough that counts stay in 64 bits.
constexpr int64_t kMaxCoreCoordinate = 1023;

std::vector<CoreRange> core_ranges(ObjectReader& r, const std::string& key, const Json& v) {
  const std::string expected = "a list of core ranges [[x0, y0, x1, y1], ...] with x0 <= x1, y0 <= y1 in [0, 1023]";
  if (!v.is_array() || v.empty()) r.fail(key, expected, v);
  std::vector<CoreRange> out;
  for (const Json& range : v) {
    int64_t c[4] = {};
    if (!range.is_array() || range.size() != 4) r.fail(key, expected, v);
    for (int i = 0; i < 4; ++i)
      if (!whole_number_in(range[size_t(i)], 0, kMaxCoreCoordinate, &c[i])) r.fail(key, expected, v);
    if (c[0] > c[2] || c[1] > c[3]) r.fail(key, expected, v);
    const CoreRange next{int(c[0]), int(c[1]), int(c[2]), int(c[3])};
    for (const CoreRange& o : out)
      if (next.x0 <= o.x1 && o.x0 <= next.x1 && next.y0 <= o.y1 && o.y0 <= next.y1)
        r.fail(key, "core ranges that do not overlap", v);
    out.push_back(next);
  }
  return out;
}

MemoryConfig memory_config(ObjectReader m) {
  MemoryConfig out;
  if (!m.has("buffer")) m.fail("buffer", "\"dram\" or \"l1\"", Json());
  out.buffer = m.one_of("buffer", {"dram", "l1"}, "") == "dram" ? BufferType::dram : BufferType::l1;
  if (!m.has("layout")) m.fail("layout", "\"interleaved\", \"height_sharded\", \"width_sharded\" or \"block_sharded\"", Json());
  const std::string layout = m.one_of("layout", {"interleaved", "height_sharded", "width_sharded", "block_sharded"}, "");
  out.layout = layout == "interleaved"      ? MemoryLayout::interleaved
               : layout == "height_sharded" ? MemoryLayout::height_sharded
               : layout == "width_sharded"  ? MemoryLayout::width_sharded
                                            : MemoryLayout::block_sharded;
  for (const char* key : {"shard_grid", "shard_shape", "orientation"})
    if (!out.sharded() && m.has(key))
      m.fail(key, "no shard fields on an interleaved tensor", m.required_value(key));
  if (const Json* g = m.optional_value("shard_grid")) out.shard_grid = core_ranges(m, "shard_grid", *g);
  if (const Json* s = m.optional_value("shard_shape")) {
    int64_t v[2] = {};
    if (!s->is_array() || s->size() != 2 || !whole_number_in((*s)[0], 1, kMaxTensorElements, &v[0]) ||
        !whole_number_in((*s)[1], 1, kMaxTensorElements, &v[1]))
      m.fail("shard_shape", "[rows, cols], each an integer in [1, 2^32]", *s);
    out.shard_shape = {v[0], v[1]};
  }
  out.orientation = m.one_of("orientation", {"row_major", "col_major"}, "row_major") == "row_major"
                        ? ShardOrientation::row_major
                        : ShardOrientation::col_major;
  m.reject_unknown_keys();
  return out;
}

// The keys each op type's program may have; docs/trace-format.md "Program configs".
std::vector<std::string> program_keys(OpType t) {
  switch (t) {
    case OpType::conv2d:
      return {"act_block_h_tiles", "act_block_w_tiles", "out_subblock_h_tiles", "out_subblock_w_tiles",
              "weights_block_w_tiles", "shard_layout", "act_double_buffer", "grid"};
    case OpType::matmul:
      return {"kind", "in0_block_w", "per_core_m", "per_core_n", "out_subblock_h", "out_subblock_w", "m_block",
              "n_block", "grid"};
    case OpType::groupnorm: return {"grid", "num_out_blocks"};
    default: return {};
  }
}

ProgramConfig program_config(ObjectReader p, const std::vector<std::string>& allowed) {
  ProgramConfig c;
  c.present = true;
  constexpr int64_t kMaxTiles = int64_t(1) << 20;
  auto tiles = [&](const std::string& key) { return p.integer(key, 1, kMaxTiles, 0); };
  for (const std::string& key : allowed) {
    if (!p.has(key)) continue;
    if (key == "grid") {
      const Json& g = p.required_value("grid");
      int64_t x = 0, y = 0;
      if (!g.is_array() || g.size() != 2 || !whole_number_in(g[0], 1, kMaxCoreCoordinate + 1, &x) ||
          !whole_number_in(g[1], 1, kMaxCoreCoordinate + 1, &y))
        p.fail("grid", "[x, y], each an integer in [1, 1024]", g);
      c.grid_x = int(x);
      c.grid_y = int(y);
    } else if (key == "act_double_buffer") {
      c.act_double_buffer = p.boolean(key, false);
    } else if (key == "shard_layout") {
      c.shard_layout = p.one_of(key, {"height", "width", "block"}, "");
    } else if (key == "kind") {
      c.kind = p.one_of(key, {"1d_mcast_in0", "1d_mcast_in1", "2d_mcast", "dram_sharded", "minimal", "default"}, "");
    } else {
      const int64_t v = tiles(key);
      if (key == "act_block_h_tiles") c.act_block_h_tiles = v;
      else if (key == "act_block_w_tiles") c.act_block_w_tiles = v;
      else if (key == "out_subblock_h_tiles") c.out_subblock_h_tiles = v;
      else if (key == "out_subblock_w_tiles") c.out_subblock_w_tiles = v;
      else if (key == "weights_block_w_tiles") c.weights_block_w_tiles = v;
      else if (key == "in0_block_w") c.in0_block_w = v;
      else if (key == "per_core_m") c.per_core_m = v;
      else if (key == "per_core_n") c.per_core_n = v;
      else if (key == "out_subblock_h") c.out_subblock_h = v;
      else if (key == "out_subblock_w") c.out_subblock_w = v;
      else if (key == "m_block") c.m_block = v;
      else if (key == "n_block") c.n_block = v;
      else if (key == "num_out_blocks") c.num_out_blocks = v;
    }
  }
  p.reject_unknown_keys();
  return c;
}

}  // namespace

void read_tensor_v2_keys(ObjectReader& r, Tensor& t) {
  if (r.has("layout"))
    t.layout = r.one_of("layout", {"tile", "row_major"}, "tile") == "tile" ? TensorLayout::tile : TensorLayout::row_major;
  if (const Json* ds = r.optional_value("device_shape")) {
    if (!ds->is_array() || ds->empty() || ds->size() > kMaxRank)
      r.fail("device_shape", "an array of 1 to " + std::to_string(kMaxRank) + " integers in [0, 2^32]", *ds);
    for (const Json& d : *ds) {
      int64_t n = 0;
      if (!whole_number_in(d, 0, kMaxTensorElements, &n))
        r.fail("device_shape", "an array of 1 to " + std::to_string(kMaxRank) + " integers in [0, 2^32]", *ds);
      t.device_shape.push_back(n);
    }
  }
  if (r.has("memory")) t.memory = memory_config(r.object("memory"));
}

void read_op_v2_keys(ObjectReader& r, Op& op, const std::string& op_label) {
  op.cores = r.int_in("cores", 1, int(kMaxCoreCoordinate + 1) * int(kMaxCoreCoordinate + 1), 0);
  if (const Json* g = r.optional_value("core_grid")) {
    op.core_grid = core_ranges(r, "core_grid", *g);
    if (op.cores > 0 && count_cores(op.core_grid) < op.cores)
      r.fail("core_grid", "at least the op's " + std::to_string(op.cores) + " cores", *g);
  }
  if (r.has("program")) {
    const std::vector<std::string> allowed = program_keys(op.type);
    if (allowed.empty())
      throw input_error(r.file(), r.path_of("program"),
                        op_label + "expected no program (only conv2d, matmul and groupnorm take one), got one for " +
                            to_string(op.type));
    op.program = program_config(r.object("program"), allowed);
  }
  if (const Json* m = r.optional_value("metadata")) {
    if (!m->is_object()) r.fail("metadata", "an object", *m);
    op.metadata = *m;
  }
}

}  // namespace tessera
