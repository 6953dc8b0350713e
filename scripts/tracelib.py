"""Shared helpers for the trace generators: shape rules, MAC counts, a graph builder, a checker and a
deterministic, atomic writer for the workload trace format (docs/trace-format.md, versions 1 and 2).
Keep the shape rules in step with sim/workload/op_shapes.cpp (tests/python/test_op_shapes_agree.py checks).

Standard library only, so every generator can import it with any Python 3.
"""

import json
import os
import sys

from tracelib_v2 import check_v2_op, check_v2_tensor

FORMAT = "tessera-trace"
VERSION = 1      # what the generators write
VERSIONS = (1, 2)  # what the checker accepts; version 2 adds memory configs, cores and programs
KINDS = ("input", "weight", "constant", "activation")
PARAMETER_KINDS = ("weight",)  # only trained parameters count as params; "constant" tensors do not
DATA_FORMATS = ("fp32", "bf16", "fp16", "bfp8", "bfp4", "bfp2")
FIDELITIES = ("lofi", "hifi2", "hifi3", "hifi4")
ELEMENTWISE_UNARY = ("relu", "relu6", "silu", "sigmoid", "gelu", "hardsigmoid", "hardswish", "exp", "tanh", "erf")
ELEMENTWISE_BINARY = ("add", "sub", "mul", "div")
SHAPE_ONLY = ("reshape", "flatten", "squeeze", "unsqueeze")
# Shape-keeping movement ops of tt-metal (version 2): the output has the input's shape.
SAME_SHAPE = ("tilize", "untilize", "reshard", "move", "typecast")

# Attributes each op type accepts (the format refuses unknown ones).
ALLOWED_ATTRS = {
    "conv2d": {"kernel", "stride", "padding", "dilation", "groups"},
    "conv_transpose2d": {"kernel", "stride", "padding", "output_padding", "dilation", "groups"},
    "matmul": {"transpose_b"},
    "maxpool2d": {"kernel", "stride", "padding", "ceil_mode"},
    "avgpool2d": {"kernel", "stride", "padding", "ceil_mode"},
    "global_avgpool": set(),
    "concat": {"axis"},
    "reshape": set(),
    "flatten": {"axis"},
    "squeeze": set(),
    "unsqueeze": set(),
    "transpose": {"perm"},
    "upsample": {"scale", "mode"},
    "softmax": {"axis"},
    "layernorm": {"axis", "epsilon"},
    "rmsnorm": {"axis", "epsilon"},
    "slice": {"axis", "start", "end", "step"},
    "tilize": {"pad_value"},
    "untilize": set(),
    "reshard": set(),
    "move": set(),
    "typecast": set(),
    "halo": {"kernel", "stride", "padding", "dilation"},
    "pad": {"padding", "value"},
    "groupnorm": {"groups", "epsilon", "axis"},
    "embedding": set(),
    "grid_sample": {"mode"},
    "cumsum": {"axis"},
    "data_movement": set(),
    "moe_topk": {"k"},
    "moe_dispatch": {"tokens_per_expert", "dropped_tokens"},
    "moe_combine": {"tokens_per_expert"},
}
for _t in ELEMENTWISE_UNARY + ELEMENTWISE_BINARY:
    ALLOWED_ATTRS[_t] = set()
OP_TYPES = frozenset(ALLOWED_ATTRS)


class ShapeError(ValueError):
    """An op's inputs or attributes do not give a valid output shape."""


def numel(shape):
    n = 1
    for d in shape:
        n *= d
    return n


def _pair(value, default):
    if value is None:
        return list(default)
    if isinstance(value, int):
        return [value, value]
    return list(value)


def _pads4(padding):
    """[ph, pw] or [top, left, bottom, right] -> (top, left, bottom, right)."""
    p = _pair(padding, (0, 0))
    if len(p) == 2:
        return p[0], p[1], p[0], p[1]
    if len(p) == 4:
        return tuple(p)
    raise ShapeError("padding must have 2 or 4 values")


def conv_out_size(size, kernel, stride, pad_before, pad_after, dilation):
    return (size + pad_before + pad_after - dilation * (kernel - 1) - 1) // stride + 1


def pool_out_size(size, kernel, stride, pad, ceil_mode):
    span = size + 2 * pad - kernel
    return (-(-span // stride) if ceil_mode else span // stride) + 1


def broadcast(a, b):
    """numpy broadcasting of two shapes."""
    out = []
    for i in range(1, max(len(a), len(b)) + 1):
        x = a[-i] if i <= len(a) else 1
        y = b[-i] if i <= len(b) else 1
        if x != y and x != 1 and y != 1:
            raise ShapeError("shapes %s and %s do not broadcast" % (list(a), list(b)))
        out.append(y if x == 1 else x)
    return out[::-1]


def _axis(axis, rank):
    if not -rank <= axis < rank:
        raise ShapeError("axis %d out of range for rank %d" % (axis, rank))
    return axis % rank


def _conv2d(shapes, attrs):
    x, w = shapes[0], shapes[1]
    if len(x) != 4 or len(w) != 4:
        raise ShapeError("conv2d needs 4-d input and weight")
    n, c, h, wd = x
    k, cg, kh, kw = w
    groups = attrs.get("groups", 1)
    if list(attrs.get("kernel", [kh, kw])) != [kh, kw]:
        raise ShapeError("kernel attribute does not match the weight")
    if cg * groups != c or k % groups:
        raise ShapeError("channels %d and groups %d do not match weight %s" % (c, groups, list(w)))
    if len(shapes) > 2 and list(shapes[2]) != [k]:
        raise ShapeError("bias must be [%d]" % k)
    sh, sw = _pair(attrs.get("stride"), (1, 1))
    dh, dw = _pair(attrs.get("dilation"), (1, 1))
    top, left, bottom, right = _pads4(attrs.get("padding"))
    ho = conv_out_size(h, kh, sh, top, bottom, dh)
    wo = conv_out_size(wd, kw, sw, left, right, dw)
    if ho <= 0 or wo <= 0:
        raise ShapeError("conv2d output would be empty")
    return [[n, k, ho, wo]]


def _conv_transpose2d(shapes, attrs):
    x, w = shapes[0], shapes[1]
    if len(x) != 4 or len(w) != 4:
        raise ShapeError("conv_transpose2d needs 4-d input and weight")
    n, c, h, wd = x
    cw, kg, kh, kw = w
    groups = attrs.get("groups", 1)
    if cw != c or c % groups:
        raise ShapeError("input channels %d do not match weight %s" % (c, list(w)))
    if list(attrs.get("kernel", [kh, kw])) != [kh, kw]:
        raise ShapeError("kernel attribute does not match the weight")
    k = kg * groups
    if len(shapes) > 2 and list(shapes[2]) != [k]:
        raise ShapeError("bias must be [%d]" % k)
    sh, sw = _pair(attrs.get("stride"), (1, 1))
    dh, dw = _pair(attrs.get("dilation"), (1, 1))
    ph, pw = _pair(attrs.get("padding"), (0, 0))
    oph, opw = _pair(attrs.get("output_padding"), (0, 0))
    ho = (h - 1) * sh - 2 * ph + dh * (kh - 1) + oph + 1
    wo = (wd - 1) * sw - 2 * pw + dw * (kw - 1) + opw + 1
    return [[n, k, ho, wo]]


def _matmul(shapes, attrs):
    a, b = shapes[0], shapes[1]
    if len(a) < 2 or len(b) < 2:
        raise ShapeError("matmul operands need at least 2 dims")
    m, ka = a[-2], a[-1]
    if attrs.get("transpose_b", False):
        n, kb = b[-2], b[-1]
    else:
        kb, n = b[-2], b[-1]
    if ka != kb:
        raise ShapeError("inner dims differ: %s x %s" % (list(a), list(b)))
    if len(shapes) > 2 and list(shapes[2]) != [n]:
        raise ShapeError("bias must be [%d]" % n)
    return [broadcast(a[:-2], b[:-2]) + [m, n]]


def _pool(shapes, attrs):
    x = shapes[0]
    if len(x) != 4:
        raise ShapeError("pooling needs a 4-d input")
    kh, kw = _pair(attrs.get("kernel"), None)
    sh, sw = _pair(attrs.get("stride"), (kh, kw))
    ph, pw = _pair(attrs.get("padding"), (0, 0))  # pools take symmetric padding only
    ceil_mode = attrs.get("ceil_mode", False)
    return [[x[0], x[1], pool_out_size(x[2], kh, sh, ph, ceil_mode), pool_out_size(x[3], kw, sw, pw, ceil_mode)]]


def _concat(shapes, attrs):
    first = shapes[0]
    axis = _axis(attrs["axis"], len(first))
    out = list(first)
    out[axis] = 0
    for s in shapes:
        if len(s) != len(first) or any(s[i] != first[i] for i in range(len(s)) if i != axis):
            raise ShapeError("concat inputs differ outside axis %d" % axis)
        out[axis] += s[axis]
    return [out]


def _transpose(shapes, attrs):
    x, perm = shapes[0], list(attrs["perm"])
    if sorted(perm) != list(range(len(x))):
        raise ShapeError("perm %s is not a permutation of %d dims" % (perm, len(x)))
    return [[x[p] for p in perm]]


def _flatten(shapes, attrs):
    x = shapes[0]
    axis = attrs.get("axis", 1)
    axis = axis % len(x) if axis < 0 else axis
    return [[numel(x[:axis]), numel(x[axis:])]]


def _upsample(shapes, attrs):
    x = shapes[0]
    sh, sw = _pair(attrs["scale"], None)
    if len(x) != 4:
        raise ShapeError("upsample needs a 4-d input")
    return [[x[0], x[1], x[2] * sh, x[3] * sw]]


def _slice(shapes, attrs):
    x = list(shapes[0])
    axis = _axis(attrs["axis"], len(x))
    start, end, size, step = attrs["start"], attrs["end"], x[axis], attrs.get("step", 1)
    start = start + size if start < 0 else start
    end = min(end + size if end < 0 else end, size)
    if not 0 <= start <= end or step < 1:
        raise ShapeError("slice [%d, %d) out of range for axis size %d" % (attrs["start"], attrs["end"], size))
    x[axis] = (end - start + step - 1) // step
    return [x]


def _halo(shapes, attrs):
    x = shapes[0]
    if len(x) != 4:
        raise ShapeError("halo needs a 4-d input")
    top, left, bottom, right = _pads4(attrs.get("padding"))
    return [[x[0], x[1], x[2] + top + bottom, x[3] + left + right]]


def _pad(shapes, attrs):
    x, padding = shapes[0], attrs["padding"]
    if len(padding) != len(x) or any(len(p) != 2 or min(p) < 0 for p in padding):
        raise ShapeError("padding must be one [before, after] pair >= 0 per dimension")
    return [[d + b + a for d, (b, a) in zip(x, padding)]]


def _groupnorm(shapes, attrs):
    x, groups = shapes[0], attrs["groups"]
    if len(x) < 2 or len(shapes) > 4:
        raise ShapeError("groupnorm needs an input of rank >= 2 and at most scale, bias and mask")
    channels = x[_axis(attrs.get("axis", 1), len(x))]
    if groups < 1 or channels % groups:
        raise ShapeError("groups %d must divide the channels %d" % (groups, channels))
    return [list(x)]


def _embedding(shapes, attrs):
    idx, table = shapes[0], shapes[1]
    if len(table) != 2 or len(shapes) != 2:
        raise ShapeError("embedding needs indices and a [V, D] table")
    return [list(idx) + [table[1]]]


def _grid_sample(shapes, attrs):
    x, grid = shapes[0], shapes[1]
    if len(x) != 4 or len(grid) != 4 or grid[3] not in (2, 6) or grid[0] != x[0]:
        raise ShapeError("grid_sample needs x [N,C,H,W] and grid [N,Ho,Wo,2] (or 6, precomputed)")
    if attrs.get("mode", "bilinear") not in ("bilinear", "nearest"):
        raise ShapeError("mode must be bilinear or nearest")
    return [[x[0], x[1], grid[1], grid[2]]]


def _same_with_axis(shapes, attrs):
    _axis(attrs["axis"], len(shapes[0]))
    return [list(shapes[0])]


def _moe_topk(shapes, attrs):
    t, e = shapes[0]
    k = attrs["k"]
    if not 1 <= k <= e:
        raise ShapeError("k=%d must be in 1..%d" % (k, e))
    return [[t, k], [t, k]]


def _moe_dispatch(shapes, attrs):
    (t, d), idx = shapes[0], shapes[1]
    if idx[0] != t:
        raise ShapeError("indices rows differ from tokens")
    return [[n, d] for n in attrs["tokens_per_expert"]]


def _moe_combine(shapes, attrs):
    counts = attrs["tokens_per_expert"]
    experts, weights = shapes[:-1], shapes[-1]
    if len(experts) != len(counts):
        raise ShapeError("%d expert inputs for %d experts" % (len(experts), len(counts)))
    d = experts[0][1]
    for s, n in zip(experts, counts):
        if list(s) != [n, d]:
            raise ShapeError("expert input %s, expected [%d, %d]" % (list(s), n, d))
    return [[weights[0], d]]


_RULES = {
    "conv2d": _conv2d,
    "conv_transpose2d": _conv_transpose2d,
    "matmul": _matmul,
    "maxpool2d": _pool,
    "avgpool2d": _pool,
    "global_avgpool": lambda s, a: [[s[0][0], s[0][1], 1, 1]],
    "concat": _concat,
    "transpose": _transpose,
    "flatten": _flatten,
    "upsample": _upsample,
    "softmax": lambda s, a: [list(s[0])],
    "layernorm": lambda s, a: [list(s[0])],
    "rmsnorm": lambda s, a: [list(s[0])],
    "slice": _slice,
    "halo": _halo,
    "pad": _pad,
    "groupnorm": _groupnorm,
    "embedding": _embedding,
    "grid_sample": _grid_sample,
    "cumsum": _same_with_axis,
    "moe_topk": _moe_topk,
    "moe_dispatch": _moe_dispatch,
    "moe_combine": _moe_combine,
}
for _t in ELEMENTWISE_UNARY:
    _RULES[_t] = lambda s, a: [list(s[0])]
for _t in ELEMENTWISE_BINARY:
    _RULES[_t] = lambda s, a: [broadcast(s[0], s[1])]
for _t in SAME_SHAPE:
    _RULES[_t] = lambda s, a: [list(s[0])]


def output_shapes(op_type, input_shapes, attrs):
    """Output shapes the format defines for op_type; None for the shape-only types (reshape & co.),
    whose output shape is free as long as the element count is kept, and for data_movement (any shapes)."""
    if op_type in SHAPE_ONLY and op_type != "flatten" or op_type == "data_movement":
        return None
    try:
        return _RULES[op_type](input_shapes, attrs or {})
    except (KeyError, IndexError, TypeError) as e:
        raise ShapeError("bad operands or attributes for %s: %s" % (op_type, e)) from None


def op_macs(op_type, input_shapes, output_shapes_, attrs):
    """Multiply-accumulates of one op, as the format's MAC column defines them."""
    attrs = attrs or {}
    if op_type == "conv2d":
        w = input_shapes[1]
        return numel(output_shapes_[0]) * w[1] * w[2] * w[3]
    if op_type == "conv_transpose2d":
        w = input_shapes[1]
        return numel(input_shapes[0]) * w[1] * w[2] * w[3]
    if op_type == "matmul":
        a, y = input_shapes[0], output_shapes_[0]
        return numel(y) * a[-1]
    return 0


# --------------------------------------------------------------------------------------------------
# Builder used by the generators


class TraceBuilder:
    """Collects tensors and ops in creation order; the order is what makes the output reproducible."""

    def __init__(self, name, description=""):
        self.name = name
        self.description = description
        self.metadata = {}
        self.tensors = {}  # name -> dict, insertion ordered
        self.ops = []
        self._op_names = set()

    def tensor(self, name, shape, kind=None, fmt=None, density=None):
        if name in self.tensors:
            raise ValueError("tensor %r defined twice" % name)
        t = {"name": name, "shape": [int(d) for d in shape]}
        if kind and kind != "activation":
            t["kind"] = kind
        if fmt:
            t["format"] = fmt
        if density is not None:
            t["density"] = density
        self.tensors[name] = t
        return name

    def input(self, name, shape, fmt=None):
        return self.tensor(name, shape, "input", fmt)

    def weight(self, name, shape, fmt=None):
        """A trained parameter: starts in DRAM and counts as a parameter."""
        return self.tensor(name, shape, "weight", fmt)

    def constant(self, name, shape, fmt=None):
        """Fixed data that is not a trained parameter (anchor grids, scales, rotary tables, masks): it
        starts in DRAM and moves like a weight, but is not counted as a parameter."""
        return self.tensor(name, shape, "constant", fmt)

    def shape(self, name):
        return list(self.tensors[name]["shape"])

    def op(self, op_type, name, inputs, attrs=None, outputs=None, out_shapes=None, group=None, fmt=None,
           fidelity=None):
        """Adds an op and its output tensors. Outputs default to one tensor named like the op; their
        shapes come from the format's rules (out_shapes is needed only for reshape-like types).
        Returns the output name, or the list of names when there are several."""
        if name in self._op_names:
            raise ValueError("op %r defined twice" % name)
        for i in inputs:
            if i not in self.tensors:
                raise ValueError("op %r reads unknown tensor %r" % (name, i))
        attrs = dict(attrs or {})
        shapes = output_shapes(op_type, [self.tensors[i]["shape"] for i in inputs], attrs)
        if shapes is None:
            shapes = out_shapes
        elif out_shapes is not None and [list(s) for s in out_shapes] != shapes:
            raise ShapeError("op %r: given output shapes %s, rules give %s" % (name, out_shapes, shapes))
        outputs = list(outputs) if outputs else [name]
        if len(outputs) != len(shapes):
            raise ValueError("op %r: %d outputs for %d shapes" % (name, len(outputs), len(shapes)))
        for o, s in zip(outputs, shapes):
            self.tensor(o, s)
        op = {"name": name, "type": op_type, "inputs": list(inputs), "outputs": outputs}
        if attrs:
            op["attrs"] = attrs
        if fmt:
            op["format"] = fmt
        if fidelity:
            op["fidelity"] = fidelity
        if group:
            op["group"] = group
        self.ops.append(op)
        self._op_names.add(name)
        return outputs[0] if len(outputs) == 1 else outputs

    def to_dict(self):
        d = {"format": FORMAT, "version": VERSION, "name": self.name}
        if self.description:
            d["description"] = self.description
        if self.metadata:
            d["metadata"] = self.metadata
        d["tensors"] = list(self.tensors.values())
        d["ops"] = self.ops
        return d

    def write(self, path, prog):
        """Checks the trace against the format's rules, then writes it (exit 2 if the path is unwritable)."""
        problems = check_trace(self.to_dict())
        if problems:
            raise ValueError("generated trace is invalid:\n  " + "\n  ".join(problems[:20]))
        write_or_exit(self.to_dict(), path, prog)


# --------------------------------------------------------------------------------------------------
# Totals


def trace_params(trace):
    """Elements of the tensors of kind "weight" (trained parameters); "constant" tensors are not counted."""
    return sum(numel(t["shape"]) for t in trace["tensors"] if t.get("kind") in PARAMETER_KINDS)


def trace_constants(trace):
    """Elements of the tensors of kind "constant"."""
    return sum(numel(t["shape"]) for t in trace["tensors"] if t.get("kind") == "constant")


def trace_macs(trace):
    """Sum of op MACs; also returns a dict per op type."""
    shapes = {t["name"]: t["shape"] for t in trace["tensors"]}
    per_type = {}
    for op in trace["ops"]:
        m = op_macs(op["type"], [shapes[i] for i in op["inputs"]], [shapes[o] for o in op["outputs"]],
                    op.get("attrs"))
        per_type[op["type"]] = per_type.get(op["type"], 0) + m
    return sum(per_type.values()), per_type


# --------------------------------------------------------------------------------------------------
# Checker: the rules of docs/trace-format.md, so generators never write a trace the simulator refuses.

_TOP_KEYS = {"format", "version", "name", "description", "tensors", "ops", "metadata"}
_TENSOR_KEYS = {"name", "shape", "kind", "format", "density", "zero_tiles"}
_TENSOR_KEYS_V2 = {"memory", "layout", "device_shape"}
_OP_KEYS = {"name", "type", "inputs", "outputs", "attrs", "format", "fidelity", "group"}
_OP_KEYS_V2 = {"cores", "core_grid", "program", "metadata"}
def check_trace(trace):
    """Returns a list of problems (empty when the trace is valid)."""
    errs = []
    if not isinstance(trace, dict):
        return ["trace is not a JSON object"]
    for k in sorted(set(trace) - _TOP_KEYS):
        errs.append("unknown top-level key %r" % k)
    if trace.get("format") != FORMAT:
        errs.append("format must be %r" % FORMAT)
    if trace.get("version") not in VERSIONS:
        errs.append("version must be one of %s" % (VERSIONS,))
    v2 = trace.get("version") == 2
    if not isinstance(trace.get("name"), str):
        errs.append("name must be a string")
    tensors, producers = {}, {}
    for i, t in enumerate(trace.get("tensors", [])):
        where = "/tensors/%d (%s)" % (i, t.get("name"))
        for k in sorted(set(t) - _TENSOR_KEYS - (_TENSOR_KEYS_V2 if v2 else set())):
            errs.append("%s: unknown key %r" % (where, k))
        shape = t.get("shape")
        if not isinstance(shape, list) or any(not isinstance(d, int) or d < 0 for d in shape):
            errs.append("%s: shape must be a list of integers >= 0" % where)
            continue
        if t.get("kind", "activation") not in KINDS:
            errs.append("%s: bad kind %r" % (where, t.get("kind")))
        if "format" in t and t["format"] not in DATA_FORMATS:
            errs.append("%s: bad format %r" % (where, t["format"]))
        for k in ("density", "zero_tiles"):
            if k in t and not 0 <= t[k] <= 1:
                errs.append("%s: %s out of [0, 1]" % (where, k))
        if t.get("name") in tensors:
            errs.append("%s: tensor named twice" % where)
        if v2:
            check_v2_tensor(t, where, errs)
        tensors[t.get("name")] = t
    consumers = {}
    op_names = set()
    for i, op in enumerate(trace.get("ops", [])):
        where = "/ops/%d (%s)" % (i, op.get("name"))
        for k in sorted(set(op) - _OP_KEYS - (_OP_KEYS_V2 if v2 else set())):
            errs.append("%s: unknown key %r" % (where, k))
        if v2:
            check_v2_op(op, where, errs)
        if op.get("name") in op_names:
            errs.append("%s: op named twice" % where)
        op_names.add(op.get("name"))
        typ = op.get("type")
        if typ not in OP_TYPES:
            errs.append("%s: unknown op type %r" % (where, typ))
            continue
        attrs = op.get("attrs", {})
        for k in sorted(set(attrs) - ALLOWED_ATTRS[typ]):
            errs.append("%s: unknown attribute %r for %s" % (where, k, typ))
        if "format" in op and op["format"] not in DATA_FORMATS:
            errs.append("%s: bad format %r" % (where, op["format"]))
        if "fidelity" in op and op["fidelity"] not in FIDELITIES:
            errs.append("%s: bad fidelity %r" % (where, op["fidelity"]))
        missing = [n for n in op.get("inputs", []) + op.get("outputs", []) if n not in tensors]
        if missing:
            errs.append("%s: unknown tensors %s" % (where, missing))
            continue
        for o in op["outputs"]:
            if tensors[o].get("kind", "activation") != "activation":
                errs.append("%s: writes %s tensor %r" % (where, tensors[o]["kind"], o))
            if o in producers:
                errs.append("%s: tensor %r already produced by %s" % (where, o, producers[o]))
            producers[o] = op["name"]
        for n in op["inputs"]:
            consumers.setdefault(n, []).append(op["name"])
        ins = [tensors[n]["shape"] for n in op["inputs"]]
        outs = [tensors[n]["shape"] for n in op["outputs"]]
        try:
            expected = output_shapes(typ, ins, attrs)
        except ShapeError as e:
            errs.append("%s: %s" % (where, e))
            continue
        if typ == "data_movement":
            continue
        if expected is None:
            if len(outs) != 1 or numel(outs[0]) != numel(ins[0]):
                errs.append("%s: %s must keep the element count" % (where, typ))
        elif [list(s) for s in outs] != expected:
            errs.append("%s: %s output shapes %s, expected %s" % (where, typ, outs, expected))
    for name, t in tensors.items():
        if t.get("kind", "activation") == "activation" and name not in producers:
            errs.append("tensor %r is an activation that no op produces" % name)
    if not errs:
        errs.extend(_cycle_check(trace["ops"], producers))
    return errs


def _cycle_check(ops, producers):
    by_name = {op["name"]: op for op in ops}
    state = {}
    for start in by_name:
        if start in state:
            continue
        stack = [(start, iter(by_name[start]["inputs"]))]
        state[start] = 1
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                state[node] = 2
                stack.pop()
                continue
            p = producers.get(nxt)
            if p is None or state.get(p) == 2:
                continue
            if state.get(p) == 1:
                return ["ops form a cycle through %r" % p]
            state[p] = 1
            stack.append((p, iter(by_name[p]["inputs"])))
    return []


# --------------------------------------------------------------------------------------------------
# Writer


def dumps(trace):
    """One tensor or op per line: diff-friendly and stable. Keys of attrs and metadata are sorted;
    tensors and ops keep the order the generator gave them."""
    def one(obj):
        return json.dumps(obj, sort_keys=False, separators=(", ", ": "))

    def one_sorted(obj):
        return json.dumps(obj, sort_keys=True, separators=(", ", ": "))

    def attrs_sorted(op):
        op = dict(op)
        if "attrs" in op:
            op["attrs"] = dict(sorted(op["attrs"].items()))
        return op

    lines = ["{"]
    for key in ("format", "version", "name", "description"):
        if key in trace:
            lines.append('  "%s": %s,' % (key, json.dumps(trace[key])))
    if "metadata" in trace:
        items = sorted(trace["metadata"].items())
        lines.append('  "metadata": {')
        lines.append(",\n".join("    %s: %s" % (json.dumps(k), one_sorted(v)) for k, v in items))
        lines.append("  },")
    lines.append('  "tensors": [')
    lines.append(",\n".join("    " + one(t) for t in trace["tensors"]))
    lines.append("  ],")
    lines.append('  "ops": [')
    lines.append(",\n".join("    " + one(attrs_sorted(op)) for op in trace["ops"]))
    lines.append("  ]")
    lines.append("}")
    return "\n".join(lines) + "\n"


def write_text_atomically(path, text):
    """Write to a temporary file beside the target, then rename: readers never see half a file."""
    directory = os.path.dirname(os.path.abspath(path))
    tmp = os.path.join(directory, ".%s.tmp.%d" % (os.path.basename(path), os.getpid()))
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_trace(trace, path):
    write_text_atomically(path, dumps(trace))


def write_or_exit(trace, path, prog):
    """Writes the trace; an unwritable path is a usage error (exit 2), reported in one line."""
    try:
        write_trace(trace, path)
    except OSError as e:
        print("%s: error: cannot write %s: %s" % (prog, path, e.strerror or e), file=sys.stderr)
        sys.exit(2)
