"""The keys of trace format version 2 (docs/trace-format.md, "Version 2"): memory configs, layouts and device
shapes of tensors; cores, core grids, programs and metadata of ops. Used by tracelib.check_trace; keep in
step with sim/workload/trace_v2_keys.cpp.

Standard library only.
"""


MEMORY_BUFFERS = ("dram", "l1")
MEMORY_LAYOUTS = ("interleaved", "height_sharded", "width_sharded", "block_sharded")
# Program-config keys by op type (docs/trace-format.md, "Program configs"); "grid" is [x, y].
PROGRAM_KEYS = {
    "conv2d": {"act_block_h_tiles", "act_block_w_tiles", "out_subblock_h_tiles", "out_subblock_w_tiles",
               "weights_block_w_tiles", "shard_layout", "grid"},
    "matmul": {"kind", "in0_block_w", "per_core_m", "per_core_n", "out_subblock_h", "out_subblock_w", "m_block",
               "n_block", "grid"},
    "groupnorm": {"grid", "num_out_blocks"},
}
MATMUL_KINDS = ("1d_mcast_in0", "1d_mcast_in1", "2d_mcast", "dram_sharded", "minimal", "default")
SHARD_LAYOUTS = ("height", "width", "block")


def _is_int(v, lo=0):
    return isinstance(v, int) and not isinstance(v, bool) and v >= lo


def _ranges_ok(ranges):
    return isinstance(ranges, list) and all(
        isinstance(r, list) and len(r) == 4 and all(_is_int(v) for v in r) and r[0] <= r[2] and r[1] <= r[3]
        for r in ranges)


def check_v2_tensor(t, where, errs):
    if "layout" in t and t["layout"] not in ("tile", "row_major"):
        errs.append("%s: layout must be tile or row_major" % where)
    if "device_shape" in t:
        ds = t["device_shape"]
        if not isinstance(ds, list) or not 1 <= len(ds) <= 8 or not all(_is_int(d) for d in ds):
            errs.append("%s: device_shape must be a list of 1 to 8 integers >= 0" % where)
    m = t.get("memory")
    if m is None:
        return
    if not isinstance(m, dict) or m.get("buffer") not in MEMORY_BUFFERS or m.get("layout") not in MEMORY_LAYOUTS:
        errs.append("%s: memory needs buffer dram|l1 and a layout" % where)
        return
    extra = set(m) - {"buffer", "layout", "shard_grid", "shard_shape", "orientation"}
    if extra:
        errs.append("%s: unknown memory keys %s" % (where, sorted(extra)))
    shard_keys = {"shard_grid", "shard_shape", "orientation"} & set(m)
    if m["layout"] == "interleaved" and shard_keys:
        errs.append("%s: an interleaved tensor has no shard fields" % where)
    if "shard_grid" in m and (not _ranges_ok(m["shard_grid"]) or not m["shard_grid"]):
        errs.append("%s: shard_grid must be [[x0, y0, x1, y1], ...]" % where)
    if "shard_shape" in m and (not isinstance(m["shard_shape"], list) or len(m["shard_shape"]) != 2 or
                               not all(_is_int(v, 1) for v in m["shard_shape"])):
        errs.append("%s: shard_shape must be [rows, cols] >= 1" % where)
    if "orientation" in m and m["orientation"] not in ("row_major", "col_major"):
        errs.append("%s: orientation must be row_major or col_major" % where)


def check_v2_op(op, where, errs):
    if "cores" in op and not _is_int(op["cores"], 1):
        errs.append("%s: cores must be an integer >= 1" % where)
    if "core_grid" in op and not _ranges_ok(op["core_grid"]):
        errs.append("%s: core_grid must be [[x0, y0, x1, y1], ...]" % where)
    if "metadata" in op and not isinstance(op["metadata"], dict):
        errs.append("%s: metadata must be an object" % where)
    if "program" not in op:
        return
    prog, allowed = op["program"], PROGRAM_KEYS.get(op["type"])
    if not isinstance(prog, dict) or allowed is None:
        errs.append("%s: %s takes no program" % (where, op["type"]))
        return
    for k, v in sorted(prog.items()):
        if k not in allowed:
            errs.append("%s: unknown program key %r for %s" % (where, k, op["type"]))
        elif k == "kind" and v not in MATMUL_KINDS:
            errs.append("%s: program kind must be one of %s" % (where, ", ".join(MATMUL_KINDS)))
        elif k == "shard_layout" and v not in SHARD_LAYOUTS:
            errs.append("%s: shard_layout must be height, width or block" % where)
        elif k == "grid" and not (isinstance(v, list) and len(v) == 2 and all(_is_int(x, 1) for x in v)):
            errs.append("%s: program grid must be [x, y] >= 1" % where)
        elif k not in ("kind", "shard_layout", "grid") and not _is_int(v, 1):
            errs.append("%s: program %s must be an integer >= 1" % (where, k))
