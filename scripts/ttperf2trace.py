#!/usr/bin/python3
"""Imports a tt-metal ops-perf profile (the CSV tt-metal's device profiler writes, one row per op launch)
as a Tessera workload trace, version 2 (docs/trace-format.md, docs/workloads.md "Importing a profile").

    scripts/ttperf2trace.py PROFILE.csv -o TRACE.json [--device N] [--arch wormhole_b0|blackhole]

Every row with a DEVICE KERNEL DURATION becomes one op named `<OP CODE>#<GLOBAL CALL COUNT>`; host
markers (rows without one) are skipped. The measured duration rides along as `metadata.measured_ns`.
Op codes the importer does not know become `data_movement` ops over their tensors (one warning lists them).

Linking: an op's input is an earlier op's output when the two CSV tensor descriptions match exactly (padded
and logical sizes, layout, data type, memory); the most recent match that no op has read yet wins, else the
most recent match. An input with no match is a fresh tensor: kind "weight" for conv/matmul weights and
biases and norm parameters, "constant" for scalars and masks, else "input". A link is kept only when the
op's shape rule accepts the linked tensor; otherwise the input is fresh. tt-metal holds conv activations as
[1, 1, N*H*W, C] (channels last): the importer gives them their logical [N, C, H, W] shape (rebuilt from the
sliding-window configs) and keeps the device's view in `device_shape`.

Standard library only. Same input, same bytes out.
"""

import argparse
import csv
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tracelib  # noqa: E402
from ttperf_attrs import (ProfileError, core_ranges, ints, memory_column, memory_config,  # noqa: E402
                          pad_logical, sliding_window, split_attributes, struct_ints, unary_function)

PROG = "ttperf2trace"
DURATION = "DEVICE KERNEL DURATION [ns]"
REQUIRED = ["OP CODE", "GLOBAL CALL COUNT", "DEVICE ID", "ATTRIBUTES", "MATH FIDELITY", "CORE COUNT", DURATION,
            "OP TO OP LATENCY [ns]"]
# Data types by size: Tessera has no integer formats, so 32-bit integers move as fp32 and 16-bit ones as bf16.
FORMATS = {"BFLOAT16": "bf16", "BFLOAT8_B": "bfp8", "BFLOAT4_B": "bfp4", "FLOAT32": "fp32", "UINT32": "fp32",
           "INT32": "fp32", "UINT16": "bf16", "UINT8": "bfp8"}
FIDELITIES = {"LoFi": "lofi", "HiFi2": "hifi2", "HiFi3": "hifi3", "HiFi4": "hifi4"}
LAYOUTS = {"TILE": "tile", "ROW_MAJOR": "row_major"}
BINARY = {"ADD": "add", "SUB": "sub", "MUL": "mul", "DIV": "div"}
SIMPLE = {  # op code -> Tessera type for ops that keep the shape and need no attributes
    "InterleavedToShardedDeviceOperation": "reshard", "ShardedToInterleavedDeviceOperation": "reshard",
    "ReshardDeviceOperation": "reshard", "MoveDeviceOperation": "move", "CopyDeviceOperation": "move",
    "Untilize": "untilize", "UntilizeWithUnpadding": "untilize", "UntilizeDeviceOperation": "untilize",
    "UntilizeWithUnpaddingDeviceOperation": "untilize", "TypecastDeviceOperation": "typecast",
}
TILIZE = ("Tilize", "TilizeWithValPadding", "TilizeDeviceOperation", "TilizeWithValPaddingDeviceOperation")
CONV = ("OptimizedConvNew", "Conv2dDeviceOperation")
MATMUL = ("Matmul", "MinimalMatmulOp")
SLICE = ("SliceDeviceOperation", "PaddedSliceDeviceOperation")
TRANSPOSE = ("Transpose", "TransposeDeviceOperation")
# Types whose first input is an image [N, C, H, W] rebuilt from a sliding-window config.
IMAGE_OPS = {"halo", "conv2d", "maxpool2d", "avgpool2d", "grid_sample"}
# Shape-keeping types whose output holds what their first input held (halo'd rows stay halo'd).
KEEPS_ROWS = {"reshard", "move", "tilize", "untilize", "typecast", "relu", "relu6", "silu", "sigmoid", "gelu",
              "hardsigmoid", "hardswish", "exp", "tanh", "erf"}


def fail(where, what):
    print("%s: error: %s: %s" % (PROG, where, what), file=sys.stderr)
    sys.exit(2)


class Desc:
    """One tensor as a CSV row describes it (INPUT_n_* or OUTPUT_0_*)."""

    def __init__(self, row, prefix):
        sizes = [pad_logical(row[prefix + "_%s_PAD[LOGICAL]" % d]) for d in "WZYX"]
        self.padded = [p for p, _ in sizes]
        self.logical = [lg for _, lg in sizes]
        layout, dtype = row.get(prefix + "_LAYOUT", ""), row.get(prefix + "_DATATYPE", "")
        if layout not in LAYOUTS:
            raise ProfileError("%s_LAYOUT must be TILE or ROW_MAJOR, got %r" % (prefix, layout))
        if dtype not in FORMATS:
            raise ProfileError("%s_DATATYPE must be one of %s, got %r" % (prefix, ", ".join(FORMATS), dtype))
        self.layout, self.dtype = LAYOUTS[layout], dtype
        self.memory_text = row.get(prefix + "_MEMORY", "")
        self.memory = memory_column(self.memory_text)
        self.key = (tuple(self.padded), tuple(self.logical), layout, dtype, self.memory_text)


def view_of(shape, d, halo):
    """How a [N, C, H, W] trace shape sits in the CSV tensor d: "same" (the logical shape), "flat"
    ([1, 1, N*H*W, C] channels last), "nhwc", or None."""
    if list(shape) == d.logical:
        return "same"
    if len(shape) != 4:
        return None
    n, c, h, w = shape
    # A halo's output holds each shard's rows plus its neighbours' (and drops rows a stride skips).
    if d.logical[:2] == [1, 1] and (n * h * w == d.logical[2] and c == d.logical[3] or halo and c <= d.padded[3]):
        return "flat"
    if [n, h, w, c] == d.logical:
        return "nhwc"
    return None


def trace_axis(axis, view):
    """A CSV axis (of [W, Z, Y, X]) in the trace's [N, C, H, W] view; None when the view has no such axis."""
    if view in (None, "same"):
        return axis
    if view == "nhwc":
        return [0, 2, 3, 1][axis]
    return 1 if axis == 3 else None


class Importer:
    def __init__(self, path):
        self.path = path
        self.tensors = []          # trace tensor dicts, in creation order
        self.info = {}             # name -> {"view", "halo"}
        self.produced = {}         # descriptor key -> [tensor names], oldest first
        self.read = set()          # tensors some op reads
        self.readers = {}          # tensor -> how many ops read it
        self.producer = {}         # tensor -> the op dict that wrote it
        self.by_name = {}          # tensor -> its dict
        self.ops = []
        self.unknown = {}

    # -- tensors
    def tensor(self, name, shape, d, kind=None, memory=None, view="same", halo=False):
        t = {"name": name, "shape": [int(v) for v in shape]}
        if kind:
            t["kind"] = kind
        t["format"] = FORMATS[d.dtype]
        t["layout"] = d.layout
        t["device_shape"] = list(d.padded)
        t["memory"] = memory or d.memory
        self.tensors.append(t)
        self.by_name[name] = t
        self.info[name] = {"view": view, "halo": halo, "shape": t["shape"]}
        return name

    def linked(self, d, exclude=()):
        names = [n for n in self.produced.get(d.key, []) if n not in exclude]
        for n in reversed(names):
            if n not in self.read:
                return n
        return names[-1] if names else None

    def review(self, name, shape):
        """Gives a flat [1, 1, N*H*W, C] tensor its image shape [N, C, H, W] where nothing yet depends on the
        flat one: back through the shape-keeping ops that made it, to a fresh tensor or a reshape (whose
        output may take any shape of its size). True when done."""
        chain = []
        while True:
            info = self.info[name]
            if info["view"] != "same" or info["shape"][:2] != [1, 1] or tracelib.numel(info["shape"]) != \
                    tracelib.numel(shape):
                return False
            chain.append(name)
            op = self.producer.get(name)
            if op is None or op["type"] in ("reshape", "data_movement"):
                break
            if op["type"] not in KEEPS_ROWS or len(op["inputs"]) != 1:
                return False
            name = op["inputs"][0]
        readers = [n for n in chain if self.readers.get(n, 0) > (0 if n == chain[0] else 1)]
        if readers:
            return False
        for n in chain:
            self.info[n].update(view="flat", shape=list(shape))
            self.by_name[n]["shape"] = list(shape)
        return True

    # -- ops
    def add(self, row, op_type, ins, attrs, program=None, out_memory=None, core_grid=None, note=None):
        """ins: [(desc, natural shape or None, kind, linkable)]. Tries the linked inputs, then fresh ones
        in their natural shapes; a shape the rule refuses falls back to data_movement."""
        name = "%s#%s" % (row["OP CODE"], row["GLOBAL CALL COUNT"])
        out = Desc(row, "OUTPUT_0")
        tries = [(op_type, True), (op_type, False)] if op_type != "data_movement" else []
        tries.append(("data_movement", True))
        for typ, use_links in tries:
            chosen = []
            for i, (d, natural, kind, linkable) in enumerate(ins):
                link = self.linked(d, [c[0] for c in chosen]) if (use_links and linkable and d is not None) else None
                if typ == "data_movement":
                    natural = None
                if callable(natural):
                    natural = natural(chosen)
                # An op that needs an image ([N, C, H, W]) of a flat tensor: re-shape the flat one if it can.
                if link and natural is not None and typ in IMAGE_OPS and i == 0 and \
                        self.info[link]["shape"] != list(natural) and not self.review(link, natural):
                    link = None
                chosen.append((link, natural if natural is not None else (d.logical if d else [1]), d, kind))
            shapes = [self.info[c[0]]["shape"] if c[0] else list(c[1]) for c in chosen]
            halo = typ == "halo" or (typ in KEEPS_ROWS and chosen and chosen[0][0] and
                                     self.info[chosen[0][0]]["halo"])
            if typ == "data_movement":  # any shapes
                got = [out.logical]
            else:
                try:
                    got = tracelib.output_shapes(typ, shapes, attrs)
                except (tracelib.ShapeError, ValueError, ZeroDivisionError):
                    continue
                if got is None:  # reshape-like: any shape of the same size
                    if tracelib.numel(shapes[0]) != tracelib.numel(out.logical):
                        continue
                    got = [out.logical]
            view = view_of(got[0], out, halo)
            if view is None:
                continue
            break
        else:  # data_movement always fits; unreachable
            raise AssertionError(name)
        inputs = []
        for i, (link, natural, d, kind) in enumerate(chosen):
            if link:
                self.read.add(link)
                self.readers[link] = self.readers.get(link, 0) + 1
                inputs.append(link)
            else:
                inputs.append(self.tensor("%s.in%d" % (name, i), natural, d or out, kind or "input"))
        for i, (link, natural, d, kind) in enumerate(chosen):  # a scalar operand has no CSV tensor
            if d is None and not link:
                t = self.tensors[-1] if self.tensors[-1]["name"] == inputs[i] else None
                if t:
                    t.pop("device_shape", None)
                    t.pop("memory", None)
                    t.pop("layout", None)
        output = self.tensor(name, got[0], out, memory=out_memory, view=view, halo=halo)
        self.produced.setdefault(out.key, []).append(output)
        op = {"name": name, "type": typ, "inputs": inputs, "outputs": [output]}
        self.producer[output] = op
        if typ == op_type and attrs:
            op["attrs"] = attrs
        if typ == "data_movement" and op_type != "data_movement":
            note = (note + "; " if note else "") + "imported as data_movement: its shapes do not fit %s" % op_type
        cores = int(row["CORE COUNT"]) if row["CORE COUNT"].strip().isdigit() else 0
        if cores >= 1:
            op["cores"] = cores
        if core_grid:
            op["core_grid"] = core_grid
        fid = FIDELITIES.get(row["MATH FIDELITY"].strip())
        if fid and typ not in ("data_movement",):
            op["fidelity"] = fid
        if program and typ == op_type:
            op["program"] = program
        meta = {"measured_ns": int(float(row[DURATION])), "op_code": row["OP CODE"],
                "global_call_count": int(row["GLOBAL CALL COUNT"])}
        if row["OP TO OP LATENCY [ns]"].strip():
            meta["op_to_op_ns"] = int(float(row["OP TO OP LATENCY [ns]"]))
        if note:
            meta["note"] = note
        op["metadata"] = meta
        self.ops.append(op)

    def import_row(self, row):
        code = row["OP CODE"]
        a = split_attributes(row["ATTRIBUTES"])
        descs = [Desc(row, "INPUT_%d" % i) for i in range(4) if (row.get("INPUT_%d_W_PAD[LOGICAL]" % i) or "").strip()]
        out = Desc(row, "OUTPUT_0")
        out_mem = None
        for key in ("output_mem_config", "memory_config", "output_memory_config", "output_memory_config_",
                    "memory_config_"):
            out_mem = out_mem or memory_config(a.get(key))
        if out_mem and (out_mem["buffer"], out_mem["layout"]) != (out.memory["buffer"], out.memory["layout"]):
            out_mem = None  # the attribute describes another tensor than OUTPUT_0
        grid = core_ranges(a.get("worker_grid", ""))
        plain = [(d, None, "input", True) for d in descs]
        if code in CONV:
            return self.conv(row, a, descs, out_mem)
        if code in MATMUL:
            return self.matmul(row, a, descs, out_mem)
        if code == "HaloDeviceOperation":
            sw = sliding_window(a.get("config_"))
            n, (h, w), c = sw["batch"], sw["input_hw"], descs[0].logical[3]
            return self.add(row, "halo", [(descs[0], [n, c, h, w], "input", True)], window_attrs(sw),
                            out_memory=out_mem, core_grid=sw["cores"])
        if code == "Pool2D":
            return self.pool(row, a, descs, out_mem)
        if code in SIMPLE:
            typ = SIMPLE[code]
            ins = plain[:1] if typ == "move" else plain
            return self.add(row, typ, ins, {}, out_memory=out_mem, core_grid=grid)
        if code in TILIZE:
            attrs = {"pad_value": float(a["pad_value"])} if a.get("pad_value", "").replace(".", "").isdigit() else {}
            return self.add(row, "tilize", plain, attrs, out_memory=out_mem)
        if code == "BinaryNgDeviceOperation":
            return self.binary(row, a, descs, out_mem, grid)
        if code == "UnaryDeviceOperation":
            fn, chain = unary_function(a.get("op_chain"))
            if fn:
                return self.add(row, fn, plain, {}, out_memory=out_mem,
                                note="op_chain " + "+".join(chain) if len(chain) > 1 else None)
            self.unknown[code + "(" + "+".join(chain) + ")"] = 1
            return self.add(row, "data_movement", plain, {}, out_memory=out_mem)
        if code == "LayerNormDeviceOperation":
            attrs = {"axis": -1, "epsilon": float(a.get("eps", "1e-5"))}
            ins = [plain[0]] + [(d, None, "weight", False) for d in descs[1:3]]
            return self.add(row, "layernorm", ins, attrs, out_memory=out_mem)
        if code in ("SoftmaxDeviceOperation", "SoftmaxInPlace"):
            return self.add(row, "softmax", plain, self.axis_attr(descs[0], int(a.get("dim", "-1"))),
                            out_memory=out_mem)
        if code == "GroupNorm":
            return self.groupnorm(row, a, descs, out_mem)
        if code in SLICE:
            return self.slice(row, a, descs, out_mem)
        if code in TRANSPOSE or code == "PermuteDeviceOperation":
            if code == "PermuteDeviceOperation":
                perm = ints(a.get("dims", ""))
            else:
                dims = a.get("dim", "").replace("TransposeOpDim::", "")
                axes = ["NCHW".index(ch) for ch in dims] if len(dims) == 2 and set(dims) <= set("NCHW") else []
                perm = list(range(4))
                if len(axes) == 2:
                    perm[axes[0]], perm[axes[1]] = perm[axes[1]], perm[axes[0]]
            return self.add(row, "transpose", plain[:1], {"perm": perm}, out_memory=out_mem)
        if code == "ReshapeDeviceOperation":
            return self.add(row, "reshape", plain[:1], {}, out_memory=out_mem)
        if code == "ConcatDeviceOperation":
            dim = int(a.get("dim", "0"))
            return self.add(row, "concat", plain, self.axis_attr(descs[0], dim), out_memory=out_mem)
        if code == "EmbeddingsDeviceOperation":
            idx, table = descs[0], descs[1]
            nat_idx = [idx.logical[0], idx.logical[1], idx.logical[3]] if idx.logical[2] == 1 else None
            return self.add(row, "embedding", [(idx, nat_idx, "input", True),
                                               (table, table.logical[2:], "weight", False)], {}, out_memory=out_mem)
        if code == "GridSample":
            x = descs[0]
            n, h, w, c = x.logical
            return self.add(row, "grid_sample", [(x, [n, c, h, w], "input", True), (descs[1], None, "input", True)],
                            {"mode": a.get("mode", "bilinear")}, out_memory=out_mem)
        if code == "AccumulationDeviceOperation" and "CUMSUM" in a.get("op", ""):
            return self.add(row, "cumsum", plain, self.axis_attr(descs[0], int(a.get("dim", "0"))),
                            out_memory=out_mem)
        self.unknown[code] = 1
        return self.add(row, "data_movement", plain, {}, out_memory=out_mem)

    def axis_attr(self, d, axis):
        """The axis attribute in the view the linked input will have (its CSV axis when fresh)."""
        axis = axis % 4
        link = self.linked(d)
        mapped = trace_axis(axis, self.info[link]["view"]) if link else axis
        return {"axis": mapped if mapped is not None else axis}

    def conv(self, row, a, descs, out_mem):
        sw = sliding_window(a.get("sliding_window_config"))
        n, (h, w), c = sw["batch"], sw["input_hw"], ints(a.get("input_tensor_shape", ""))[-1]
        k = int(a["output_channels"])
        groups = int(a.get("groups", "1"))
        pt, pb, pl, pr = sw["padding"]
        kh, kw = sw["kernel"]
        attrs = window_attrs(sw)
        attrs["groups"] = groups
        weight = (descs[1], [k, c // groups, kh, kw], "weight", False)
        bias = [(descs[2], [k], "weight", False)] if len(descs) > 2 else []
        program = {}
        bc = struct_ints(a.get("block_config", ""))
        for src, dst in (("act_block_h_ntiles", "act_block_h_tiles"), ("act_block_w_ntiles", "act_block_w_tiles"),
                         ("out_subblock_h_ntiles", "out_subblock_h_tiles"),
                         ("out_subblock_w_ntiles", "out_subblock_w_tiles")):
            if src in bc:
                program[dst] = bc[src]
        pc = struct_ints(a.get("parallelization_config", ""))
        if "per_core_out_matrix_width_ntile" in pc:
            program["weights_block_w_tiles"] = pc["per_core_out_matrix_width_ntile"]
        if "grid_size" in pc:
            program["grid"] = pc["grid_size"]
        if a.get("enable_act_double_buffer", "false").lower() == "true":
            program["act_double_buffer"] = True
        if out_mem and out_mem["layout"] != "interleaved":
            program["shard_layout"] = out_mem["layout"].replace("_sharded", "")
        # The input is the halo's output: already padded, so the conv itself pads nothing.
        halod = (descs[0], [n, c, h + pt + pb, w + pl + pr], "input", True)
        link = self.linked(descs[0])
        if link and self.info[link]["halo"] and self.info[link]["shape"] == halod[1]:
            return self.add(row, "conv2d", [halod, weight] + bias, dict(attrs, padding=[0, 0]), program, out_mem,
                            sw["cores"])
        return self.add(row, "conv2d", [(descs[0], [n, c, h, w], "input", link is not None and
                                         self.info[link]["shape"] == [n, c, h, w]), weight] + bias,
                        attrs, program, out_mem, sw["cores"])

    def pool(self, row, a, descs, out_mem):
        sw = sliding_window(a.get("sliding_window_config_"))
        n, (h, w), c = sw["batch"], sw["input_hw"], descs[0].logical[3]
        typ = "maxpool2d" if "MAX" in a.get("pool_type_", "") else "avgpool2d"
        attrs = {"kernel": sw["kernel"], "stride": sw["stride"]}
        pt, pb, pl, pr = sw["padding"]
        link = self.linked(descs[0])
        halod = [n, c, h + pt + pb, w + pl + pr]
        if link and self.info[link]["halo"] and self.info[link]["shape"] == halod:
            return self.add(row, typ, [(descs[0], halod, "input", True)], dict(attrs, padding=[0, 0]),
                            out_memory=out_mem, core_grid=sw["cores"])
        if pt != pb or pl != pr:
            return self.add(row, "data_movement", [(descs[0], None, "input", True)], {}, out_memory=out_mem)
        return self.add(row, typ, [(descs[0], [n, c, h, w], "input", True)], dict(attrs, padding=[pt, pl]),
                        out_memory=out_mem, core_grid=sw["cores"])

    def matmul(self, row, a, descs, out_mem):
        attrs = {"transpose_b": True} if a.get("transpose_b") == "true" else {}
        ins = [(descs[0], None, "input", True), (descs[1], None, "weight", True)]
        if len(descs) > 2:
            ins.append((descs[2], [descs[2].logical[3]], "weight", False))
        program = {"kind": "default"}
        text = a.get("config") or a.get("program_config") or ""
        v = struct_ints(text)
        if text.startswith("MinimalMatmulConfig"):
            program = {"kind": "minimal"}
            for src, dst in (("K_block_size", "in0_block_w"), ("M_block_size", "m_block"), ("N_block_size", "n_block"),
                             ("subblock_h", "out_subblock_h"), ("subblock_w", "out_subblock_w")):
                if src in v:
                    program[dst] = v[src]
        elif text.startswith("MatmulMultiCore"):
            if "DRAMSharded" in text:
                program = {"kind": "dram_sharded"}
            elif "1D" in text:
                program = {"kind": "1d_mcast_in0" if v.get("mcast_in0", 1) else "1d_mcast_in1"}
            else:
                program = {"kind": "2d_mcast"}
            for src, dst in (("in0_block_w", "in0_block_w"), ("per_core_M", "per_core_m"), ("per_core_N", "per_core_n"),
                             ("out_subblock_h", "out_subblock_h"), ("out_subblock_w", "out_subblock_w")):
                if src in v:
                    program[dst] = v[src]
        elif not text or text == "std::nullopt":
            # ttnn chose the program itself; its data-movement kernels say which one.
            kernels = row.get("DATA MOVEMENT KERNEL SOURCE", "")
            if "reader_bmm_tile_layout_in0_sender" in kernels:
                # The reuse programs, which read whole blocks: an in1 receiver means in1 is multicast (along
                # with in0 when there is an in0 receiver too); without one, in0 is.
                if "in1_receiver" not in kernels:
                    program = {"kind": "1d_mcast_in0"}
                else:
                    program = {"kind": "2d_mcast" if "in0_receiver" in kernels else "1d_mcast_in1"}
        if "compute_with_storage_grid_size" in v:
            program["grid"] = v["compute_with_storage_grid_size"]
        self.add(row, "matmul", ins, attrs, program, out_mem)

    def binary(self, row, a, descs, out_mem, grid):
        op = a.get("binary_op_type", "").replace("BinaryOpType::", "")
        if op not in BINARY:
            self.unknown["BinaryNgDeviceOperation(%s)" % op] = 1
            return self.add(row, "data_movement", [(d, None, "input", True) for d in descs], {}, out_memory=out_mem)

        def like_first(chosen):
            """The second operand in the view of the first (a per-channel vector of an image is [1, C, 1, 1])."""
            first = chosen[0][0]
            view = self.info[first]["view"] if first else "same"
            if len(descs) < 2 or view == "same":
                return None
            b = descs[1].logical
            if view == "nhwc":
                return [b[0], b[3], b[1], b[2]]
            n, c, h, w = self.info[first]["shape"]
            if b[:2] == [1, 1] and b[2] == n * h * w:
                return [n, b[3], h, w]
            if b[:3] == [1, 1, 1]:
                return [1, b[3], 1, 1]
            return None
        ins = [(descs[0], None, "input", True)]
        if len(descs) > 1:
            ins.append((descs[1], like_first, "input", True))
        else:  # tensor op scalar: the scalar as a one-element constant
            ins.append((None, [1], "constant", False))
        note = "scalar %s" % a["scalar"] if a.get("scalar", "std::nullopt") != "std::nullopt" else None
        self.add(row, BINARY[op], ins, {}, out_memory=out_mem, core_grid=grid, note=note)

    def groupnorm(self, row, a, descs, out_mem):
        attrs = {"groups": int(a.get("num_groups", "1")), "epsilon": float(a.get("eps", "1e-5"))}
        link = self.linked(descs[0])
        if not link or self.info[link]["view"] == "same":
            attrs["axis"] = -1  # tt-metal's [1, 1, N*H*W, C]: channels last
        ins = [(descs[0], None, "input", True)] + [(d, None, "weight", False) for d in descs[1:3]] + \
              [(d, None, "constant", False) for d in descs[3:4]]
        program = {}
        pc = struct_ints(a.get("program_config", ""))
        if "compute_with_storage_grid_size" in pc:
            program["grid"] = pc["compute_with_storage_grid_size"]
        if "num_out_blocks" in pc:
            program["num_out_blocks"] = pc["num_out_blocks"]
        self.add(row, "groupnorm", ins, attrs, program or None, out_mem)

    def slice(self, row, a, descs, out_mem):
        d = descs[0]
        start = ints(a.get("slice_start") or a.get("padded_slice_start") or "")
        end = ints(a.get("slice_end") or a.get("padded_slice_end") or "")
        step = ints(a.get("step", "")) or [1] * len(start)
        # A 5-D slice of a tensor the profile lists in 4-D: its leading unit dimension is not cut.
        while len(start) > 4 and len(start) == len(end) == len(step) and start[0] == 0 and end[0] == 1:
            start, end, step = start[1:], end[1:], step[1:]
        if len(start) != 4 or len(end) != 4 or len(step) != 4:
            return self.add(row, "data_movement", [(d, None, "input", True)], {}, out_memory=out_mem)
        cut = [i for i in range(4) if start[i] != 0 or min(end[i], d.logical[i]) != d.logical[i] or step[i] != 1]
        if len(cut) > 1:
            return self.add(row, "data_movement", [(d, None, "input", True)], {}, out_memory=out_mem)
        axis = cut[0] if cut else 0
        attrs = self.axis_attr(d, axis)
        attrs.update({"start": start[axis], "end": end[axis]})
        if step[axis] != 1:
            attrs["step"] = step[axis]
        self.add(row, "slice", [(d, None, "input", True)], attrs, out_memory=out_mem)


def window_attrs(sw):
    pt, pb, pl, pr = sw["padding"]
    return {"kernel": sw["kernel"], "stride": sw["stride"], "padding": [pt, pl, pb, pr], "dilation": sw["dilation"]}


def device_facts(rows, arch):
    """The chip's clock from the profile itself: device cycles over nanoseconds of each op (the median)."""
    ratios = []
    for r in rows:
        try:
            cycles = int(r["DEVICE FW END CYCLE"]) - int(r["DEVICE FW START CYCLE"])
            ns = float(r["DEVICE FW DURATION [ns]"])
        except (KeyError, ValueError, TypeError):
            continue
        if ns > 0 and cycles > 0:
            ratios.append(cycles / ns)
    facts = {}
    archs = sorted({r.get("DEVICE ARCH", "").strip() for r in rows} - {""})
    if arch or len(archs) == 1:
        facts["arch"] = arch or archs[0]
    if ratios:
        facts["clock_mhz"] = int(round(statistics.median(ratios) * 1000))
    return facts


def main(argv=None):
    p = argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0])
    p.add_argument("profile", help="a tt-metal ops-perf CSV")
    p.add_argument("-o", "--output", required=True, help="trace JSON to write")
    p.add_argument("--device", type=int, help="import only the rows of this DEVICE ID")
    p.add_argument("--arch", choices=["wormhole_b0", "blackhole"],
                   help="the chip, when the CSV has no DEVICE ARCH column")
    p.add_argument("--name", help="workload name (default: the file's base name)")
    args = p.parse_args(argv)
    try:
        with open(args.profile, newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            header = reader.fieldnames or []
            missing = [c for c in REQUIRED if c not in header]
            if missing:
                fail(args.profile, "not a tt-metal ops-perf CSV: missing column(s) %s" % ", ".join(missing))
            rows = [(i + 2, r) for i, r in enumerate(reader)]
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        fail(args.profile, "cannot read: %s" % e)
    device_rows = []
    for line, r in rows:
        if None in r or any(v is None for v in r.values()):
            fail("%s:%d" % (args.profile, line), "expected %d columns, got a row of another length" % len(header))
        if not (r[DURATION] or "").strip():
            continue  # a host-side marker (signpost)
        if args.device is not None and r["DEVICE ID"].strip() != str(args.device):
            continue
        device_rows.append((line, r))
    if not device_rows:
        fail(args.profile, "no op launches (rows with a %s)%s" % (
            DURATION, " on device %d" % args.device if args.device is not None else ""))
    imp = Importer(args.profile)
    names = set()
    for line, r in device_rows:
        try:
            float(r[DURATION])
            if not r["GLOBAL CALL COUNT"].strip().isdigit():
                raise ProfileError("GLOBAL CALL COUNT must be a whole number, got %r" % r["GLOBAL CALL COUNT"])
            name = "%s#%s" % (r["OP CODE"], r["GLOBAL CALL COUNT"])
            if name in names:
                raise ProfileError("op %s appears twice (GLOBAL CALL COUNT is unique per launch)" % name)
            names.add(name)
            imp.import_row(r)
        except ProfileError as e:
            fail("%s:%d (%s)" % (args.profile, line, r["OP CODE"]), str(e))
        except (ValueError, KeyError, IndexError) as e:
            fail("%s:%d (%s)" % (args.profile, line, r["OP CODE"]), "unexpected value: %s" % e)
    if imp.unknown:
        print("%s: warning: %d op code(s) imported as data_movement: %s" % (
            PROG, len(imp.unknown), ", ".join(sorted(imp.unknown))), file=sys.stderr)
    base = os.path.splitext(os.path.basename(args.profile))[0]
    meta = {"source": os.path.basename(args.profile), "importer": "scripts/ttperf2trace.py",
            "measured_ns": sum(op["metadata"]["measured_ns"] for op in imp.ops)}
    device = device_facts([r for _, r in device_rows], args.arch)
    if device:
        meta["device"] = device
    trace = {"format": tracelib.FORMAT, "version": 2, "name": args.name or base,
             "description": "tt-metal ops-perf profile %s: %d op launches" % (os.path.basename(args.profile),
                                                                             len(imp.ops)),
             "metadata": meta, "tensors": imp.tensors, "ops": imp.ops}
    problems = tracelib.check_trace(trace)
    if problems:
        print("%s: internal error: the imported trace breaks the format:\n  %s" % (PROG, "\n  ".join(problems[:10])),
              file=sys.stderr)
        sys.exit(1)
    tracelib.write_or_exit(trace, args.output, PROG)
    return 0


if __name__ == "__main__":
    sys.exit(main())
