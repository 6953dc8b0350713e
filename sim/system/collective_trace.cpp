#include "sim/system/collective_trace.h"

#include "sim/base/errors.h"
#include "sim/config/config_loader.h"
#include "sim/config/json_reader.h"

namespace tessera::system {

const char* to_string(CollectiveOp op) {
  switch (op) {
    case CollectiveOp::all_gather: return "all_gather";
    case CollectiveOp::reduce_scatter: return "reduce_scatter";
    case CollectiveOp::all_reduce: return "all_reduce";
    case CollectiveOp::all_to_all: return "all_to_all";
    case CollectiveOp::send_recv: return "send_recv";
  }
  return "?";
}

const char* to_string(Topology1d t) { return t == Topology1d::line ? "line" : "ring"; }

CollectiveTrace read_collective_trace(const std::string& path) {
  const Json doc = read_json_file(path);
  CollectiveTrace trace;
  trace.file = path;
  ObjectReader top(doc, path, "", "docs/systems.md");
  if (top.string("format", "") != "tessera-collective")
    top.fail("format", "\"tessera-collective\" (a trace of scripts/gen_collective.py)", doc.value("format", Json()));
  trace.name = top.string("name", "collective");
  const Json& list = top.required_value("collectives");
  if (!list.is_array() || list.empty()) top.fail("collectives", "a non-empty list of collectives", list);
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string at = "/collectives/" + std::to_string(i);
    ObjectReader r(list[i], path, at, "docs/systems.md");
    Collective c;
    c.where = path + ": " + at;
    r.required_value("op");
    r.required_value("bytes_per_chip");
    const std::string op = r.one_of("op", {"all_gather", "reduce_scatter", "all_reduce", "all_to_all", "send_recv"}, "");
    c.op = op == "all_gather" ? CollectiveOp::all_gather : op == "reduce_scatter" ? CollectiveOp::reduce_scatter
         : op == "all_reduce" ? CollectiveOp::all_reduce : op == "all_to_all" ? CollectiveOp::all_to_all
         : CollectiveOp::send_recv;
    c.chips = r.int_in("chips", 2, 1024, 2);
    c.topology = r.one_of("topology", {"line", "ring"}, "line") == "line" ? Topology1d::line : Topology1d::ring;
    if (c.topology == Topology1d::ring && c.chips < 3)
      throw input_error(path, at + "/topology", "expected line on 2 chips (a ring needs at least 3)");
    c.links = r.int_in("links", 1, 16, 1);
    c.bytes_per_chip = uint64_t(r.integer("bytes_per_chip", 1, int64_t(1) << 40, 0));
    const std::string dtype = r.string("dtype", "bf16");
    const auto format = parse_data_format(dtype);
    if (!format) r.fail("dtype", "a data format (bf16, fp16, fp32, bfp8, ...)", Json(dtype));
    c.dtype = *format;
    c.packet_bytes = r.int_in("packet_bytes", 16, 1 << 20, c.packet_bytes);
    if (const Json* d = r.optional_value("devices")) {
      if (!d->is_array() || int(d->size()) != c.chips)
        r.fail("devices", "a list of " + std::to_string(c.chips) + " device ids (one per chip)", *d);
      for (size_t k = 0; k < d->size(); ++k) {
        int64_t id = -1;
        if (!whole_number_in((*d)[k], 0, 1 << 20, &id))
          throw input_error(path, at + "/devices/" + std::to_string(k), "expected a device id, got " + describe_json((*d)[k]));
        c.devices.push_back(int(id));
      }
    }
    r.reject_unknown_keys();
    trace.collectives.push_back(c);
  }
  top.reject_unknown_keys();
  return trace;
}

}  // namespace tessera::system
