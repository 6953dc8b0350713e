#!/usr/bin/python3
"""Imports an ONNX model as a Tessera workload trace.

    onnx2trace.py MODEL.onnx -o TRACE.json [--batch B] [--dim NAME=VALUE ...] [--name NAME]

Shapes come from ONNX shape inference. Shape arithmetic (Shape, Gather, Concat on shapes, ...),
Identity and Constant nodes are folded away; common decompositions (x*sigmoid(x), the erf form of GELU,
ReduceMean/Sub/Pow/.../Div layer norms, Conv+BatchNormalization) become single trace ops. Weights are
read for their shapes only, so models with external weight files import without them.

Exit codes: 0 written; 2 bad arguments, unreadable model or unsupported ops (one message listing every
unsupported op type with its count; no output is written).

Needs Debian's python3-onnx and python3-numpy, hence /usr/bin/python3.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tracelib  # noqa: E402

PROG = "onnx2trace"


def fail(message):
    print("%s: error: %s" % (PROG, message), file=sys.stderr)
    sys.exit(2)


try:
    import numpy as np
    import onnx
    from onnx import numpy_helper, shape_inference
except ImportError as e:  # pragma: no cover - depends on the machine
    fail("%s; install Debian's python3-onnx and python3-numpy and run with /usr/bin/python3" % e)


class ImportFailure(Exception):
    """The model cannot be turned into a trace; the message says why."""


class Unsupported(Exception):
    """This node cannot be mapped; detail says which variant of the op type is missing."""

    def __init__(self, detail=None):
        super().__init__(detail)
        self.detail = detail


class Downstream(Exception):
    """This node reads the output of an unsupported node: skipped, not reported on its own."""


FOLD_LIMIT = 1 << 20  # constants larger than this are kept as weights instead of being computed


# --------------------------------------------------------------------------------------------------
# Small ONNX helpers


def attributes(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def decoded(value):
    return value.decode() if isinstance(value, bytes) else value


def ints(values):
    return [int(v) for v in values]


def same_pads(size, kernel, stride, dilation, upper):
    out = -(-size // stride)
    total = max((out - 1) * stride + (kernel - 1) * dilation + 1 - size, 0)
    small, big = total // 2, total - total // 2
    return (small, big) if upper else (big, small)


# --------------------------------------------------------------------------------------------------
# Constant folding: numpy versions of the ops that shape arithmetic uses.


def _axes_arg(node, args, attrs, position):
    if len(args) > position and args[position] is not None:
        return ints(args[position])
    return ints(attrs.get("axes", [])) or None


def _onnx_div(a, b):
    if np.issubdtype(a.dtype, np.integer) and np.issubdtype(b.dtype, np.integer):
        return (np.sign(a) * np.sign(b) * (np.abs(a) // np.abs(b))).astype(a.dtype)
    return np.divide(a, b).astype(np.result_type(a, b))


def _unsqueeze(x, axes):
    rank = x.ndim + len(axes)
    for a in sorted(a % rank for a in axes):
        x = np.expand_dims(x, a)
    return x


def _slice(x, starts, ends, axes, steps):
    axes = list(range(len(starts))) if axes is None else axes
    steps = [1] * len(starts) if steps is None else steps
    index = [slice(None)] * x.ndim
    for s, e, a, st in zip(starts, ends, axes, steps):
        index[a] = slice(int(s), int(e), int(st))
    return x[tuple(index)]


def _reshape(x, shape, allowzero=0):
    shape = [int(d) for d in shape]
    if not allowzero:
        shape = [x.shape[i] if d == 0 else d for i, d in enumerate(shape)]
    return x.reshape(shape)


def _reduce(fn):
    def run(node, args, attrs):
        axes = _axes_arg(node, args, attrs, 1)
        keep = bool(attrs.get("keepdims", 1))
        return [fn(args[0], axis=None if axes is None else tuple(axes), keepdims=keep)]
    return run


def _constant(node, args, attrs):
    if "value" in attrs:
        return [numpy_helper.to_array(attrs["value"])]
    for key, dtype in (("value_float", np.float32), ("value_floats", np.float32), ("value_int", np.int64),
                       ("value_ints", np.int64)):
        if key in attrs:
            return [np.array(attrs[key], dtype=dtype)]
    raise Unsupported("Constant without a dense value")


def _constant_of_shape(node, args, attrs):
    value = numpy_helper.to_array(attrs["value"]) if "value" in attrs else np.zeros(1, np.float32)
    return [np.full(ints(args[0]), value.reshape(-1)[0], dtype=value.dtype)]


def _cast(node, args, attrs):
    return [args[0].astype(onnx.helper.tensor_dtype_to_np_dtype(attrs["to"]))]


def _split(node, args, attrs):
    x, axis = args[0], attrs.get("axis", 0)
    sizes = ints(args[1]) if len(args) > 1 and args[1] is not None else ints(attrs.get("split", []))
    if not sizes:
        parts = attrs.get("num_outputs", len(node.output))
        step = -(-x.shape[axis] // parts)
        sizes = [min(step, x.shape[axis] - i * step) for i in range(parts)]
    return np.split(x, np.cumsum(sizes)[:-1], axis=axis)


FOLDERS = {
    "Identity": lambda n, a, t: [a[0]],
    "Cast": _cast,
    "Constant": _constant,
    "ConstantOfShape": _constant_of_shape,
    "Gather": lambda n, a, t: [np.take(a[0], a[1], axis=t.get("axis", 0))],
    "Concat": lambda n, a, t: [np.concatenate([x.reshape(-1) if x.ndim == 0 else x for x in a], axis=t["axis"])],
    "Unsqueeze": lambda n, a, t: [_unsqueeze(a[0], _axes_arg(n, a, t, 1))],
    "Squeeze": lambda n, a, t: [np.squeeze(a[0], axis=None if _axes_arg(n, a, t, 1) is None
                                           else tuple(_axes_arg(n, a, t, 1)))],
    "Slice": lambda n, a, t: [_slice(a[0], a[1], a[2], ints(a[3]) if len(a) > 3 and a[3] is not None else None,
                                     ints(a[4]) if len(a) > 4 and a[4] is not None else None)
                              if len(a) > 1 else
                              _slice(a[0], t["starts"], t["ends"], t.get("axes"), None)],
    "Reshape": lambda n, a, t: [_reshape(a[0], a[1], t.get("allowzero", 0))],
    "Transpose": lambda n, a, t: [np.transpose(a[0], t.get("perm"))],
    "Flatten": lambda n, a, t: [a[0].reshape(int(np.prod(a[0].shape[:t.get("axis", 1)])), -1)],
    "Expand": lambda n, a, t: [a[0] * np.ones(ints(a[1]), dtype=a[0].dtype)],
    "Tile": lambda n, a, t: [np.tile(a[0], ints(a[1]))],
    "Range": lambda n, a, t: [np.arange(a[0], a[1], a[2])],
    "Split": _split,
    "Add": lambda n, a, t: [np.add(a[0], a[1])],
    "Sub": lambda n, a, t: [np.subtract(a[0], a[1])],
    "Mul": lambda n, a, t: [np.multiply(a[0], a[1])],
    "Div": lambda n, a, t: [_onnx_div(a[0], a[1])],
    "Mod": lambda n, a, t: [np.fmod(a[0], a[1]) if t.get("fmod") else np.mod(a[0], a[1])],
    "Pow": lambda n, a, t: [np.power(a[0], a[1])],
    "Neg": lambda n, a, t: [np.negative(a[0])],
    "Abs": lambda n, a, t: [np.abs(a[0])],
    "Sqrt": lambda n, a, t: [np.sqrt(a[0])],
    "Floor": lambda n, a, t: [np.floor(a[0])],
    "Ceil": lambda n, a, t: [np.ceil(a[0])],
    "Min": lambda n, a, t: [np.minimum.reduce(a)],
    "Max": lambda n, a, t: [np.maximum.reduce(a)],
    "Equal": lambda n, a, t: [np.equal(a[0], a[1])],
    "Less": lambda n, a, t: [np.less(a[0], a[1])],
    "Greater": lambda n, a, t: [np.greater(a[0], a[1])],
    "Not": lambda n, a, t: [np.logical_not(a[0])],
    "And": lambda n, a, t: [np.logical_and(a[0], a[1])],
    "Or": lambda n, a, t: [np.logical_or(a[0], a[1])],
    "Where": lambda n, a, t: [np.where(a[0], a[1], a[2])],
    "ReduceProd": _reduce(np.prod),
    "ReduceSum": _reduce(np.sum),
    "ReduceMin": _reduce(np.min),
    "ReduceMax": _reduce(np.max),
}

# Ops whose output is a plain copy of the input in an inference graph.
ALIASES = {"Identity", "Dropout", "Cast", "CastLike"}


# --------------------------------------------------------------------------------------------------
# The graph as the importer sees it


class Graph:
    def __init__(self, model, dims):
        self.model = model
        g = model.graph
        self.opset = next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), 1)
        self.nodes = list(g.node)
        self.initializers = {t.name: t for t in g.initializer}
        self.inputs = [i for i in g.input if i.name not in self.initializers]
        self.outputs = [o.name for o in g.output]
        self.dims = dims
        self.shapes = {}
        self.values = {}  # known constant values (numpy)
        self.producer = {}
        self.consumers = {}
        for i, node in enumerate(self.nodes):
            for o in node.output:
                if o:
                    self.producer[o] = i
            for x in node.input:
                if x:
                    self.consumers.setdefault(x, []).append(i)
        for name in self.outputs:
            self.consumers.setdefault(name, []).append(-1)  # a graph output is a consumer nobody may fuse away
        for name, t in self.initializers.items():
            self.shapes[name] = ints(t.dims)
            if t.data_location != onnx.TensorProto.EXTERNAL and np.prod(t.dims, dtype=np.int64) <= FOLD_LIMIT:
                try:
                    self.values[name] = numpy_helper.to_array(t)
                except Exception:  # unreadable inline data: keep the shape only
                    pass
        # Constant nodes are known before the walk, so the pattern matchers can read their values.
        for node in self.nodes:
            if node.op_type == "Constant" and node.domain in ("", "ai.onnx"):
                try:
                    self.values[node.output[0]] = _constant(node, [], attributes(node))[0]
                except Unsupported:
                    pass

    def node_name(self, i):
        return self.nodes[i].name or "%s_%d" % (self.nodes[i].op_type, i)

    def single_consumer(self, value):
        users = self.consumers.get(value, [])
        return users[0] if len(users) == 1 and users[0] >= 0 else None

    def produced_by(self, value, *op_types):
        i = self.producer.get(value)
        if i is not None and (not op_types or self.nodes[i].op_type in op_types):
            return i
        return None

    def scalar(self, value):
        v = self.values.get(value)
        if v is None or v.size != 1:
            return None
        return float(v.reshape(-1)[0])


def static_dims(value_info, dims, batch, is_input):
    t = value_info.type.tensor_type
    if not t.HasField("shape"):
        return None
    out = []
    for axis, d in enumerate(t.shape.dim):
        if is_input and axis == 0 and batch is not None:
            out.append(batch)
        elif d.HasField("dim_value"):
            out.append(int(d.dim_value))
        elif d.HasField("dim_param") and d.dim_param in dims:
            out.append(dims[d.dim_param])
        elif is_input and axis == 0:
            out.append(1)  # an unnamed or symbolic batch axis defaults to 1
        else:
            raise ImportFailure("input %r has a symbolic dimension %r at axis %d: give it a value with --dim NAME=VALUE"
                                % (value_info.name, d.dim_param or "?", axis))
    return out


def run_shape_inference(model, batch, dims):
    """Fixes the input dims, then lets ONNX infer every other shape."""
    g = model.graph
    inits = {t.name for t in g.initializer}
    fixed = {}
    for vi in g.input:
        if vi.name in inits:
            continue
        shape = static_dims(vi, dims, batch, True)
        if shape is None:
            raise ImportFailure("input %r has no shape" % vi.name)
        fixed[vi.name] = shape
        vi.type.tensor_type.shape.ClearField("dim")
        for d in shape:
            vi.type.tensor_type.shape.dim.add().dim_value = d
    # Shapes stored in the file were inferred for the old input dims: drop them and infer afresh.
    del g.value_info[:]
    for o in g.output:
        o.type.tensor_type.ClearField("shape")
    try:
        inferred = shape_inference.infer_shapes(model, check_type=False, strict_mode=False, data_prop=True)
    except Exception as e:
        raise ImportFailure("ONNX shape inference failed: %s" % str(e).strip().splitlines()[0])
    shapes = {}
    for vi in list(inferred.graph.value_info) + list(inferred.graph.output):
        t = vi.type.tensor_type
        if t.HasField("shape") and all(d.HasField("dim_value") for d in t.shape.dim):
            shapes[vi.name] = [int(d.dim_value) for d in t.shape.dim]
    shapes.update(fixed)
    return shapes


# --------------------------------------------------------------------------------------------------
# Pattern matching: decompositions that become one trace op. Each match names the node that emits the
# fused op (the last one), the nodes it absorbs, and the op to emit.


class Match:
    def __init__(self, tail, absorbed, op_type, inputs, attrs=None):
        self.tail, self.absorbed, self.op_type, self.inputs, self.attrs = tail, absorbed, op_type, inputs, attrs or {}


def _other_input(node, value):
    ins = list(node.input)
    if len(ins) != 2 or value not in ins:
        return None
    return ins[1] if ins[0] == value else ins[0]


def match_silu_like(g, i):
    """x * sigmoid(x) -> silu; x * hardsigmoid(x) (PyTorch's 1/6 slope) -> hardswish."""
    node = g.nodes[i]
    x = node.input[0]
    if node.op_type == "HardSigmoid":
        a = attributes(node)
        if abs(a.get("alpha", 0.2) - 1 / 6) > 1e-4 or abs(a.get("beta", 0.5) - 0.5) > 1e-6:
            return None
    m = g.single_consumer(node.output[0])
    if m is None or g.nodes[m].op_type != "Mul" or _other_input(g.nodes[m], node.output[0]) != x:
        return None
    return Match(m, [i], "silu" if node.op_type == "Sigmoid" else "hardswish", [x])


def short_float(value):
    """A float32 attribute as the decimal it was written as (1e-05, not 9.99999974e-06)."""
    return float("%.7g" % value)


def _near(value, target, tol=1e-3):
    return value is not None and abs(value - target) <= tol * max(1.0, abs(target))


def match_gelu(g, i):
    """0.5 * x * (1 + erf(x / sqrt(2))) in its usual exported orders."""
    erf = g.nodes[i]
    d = g.produced_by(erf.input[0], "Div", "Mul")
    if d is None or g.single_consumer(g.nodes[d].output[0]) != i:
        return None
    dn = g.nodes[d]
    x = dn.input[0]
    factor = g.scalar(dn.input[1])
    if not (_near(factor, 2 ** 0.5) if dn.op_type == "Div" else _near(factor, 2 ** -0.5)):
        return None
    a = g.single_consumer(erf.output[0])
    if a is None or g.nodes[a].op_type != "Add" or not _near(g.scalar(_other_input(g.nodes[a], erf.output[0])), 1.0):
        return None
    m1 = g.single_consumer(g.nodes[a].output[0])
    if m1 is None or g.nodes[m1].op_type != "Mul":
        return None
    other = _other_input(g.nodes[m1], g.nodes[a].output[0])
    if other == x:  # (x * (1 + erf)) * 0.5
        m2 = g.single_consumer(g.nodes[m1].output[0])
        if m2 is None or g.nodes[m2].op_type != "Mul" or not _near(
                g.scalar(_other_input(g.nodes[m2], g.nodes[m1].output[0])), 0.5):
            return None
        return Match(m2, [d, i, a, m1], "gelu", [x])
    if _near(g.scalar(other), 0.5):  # x * ((1 + erf) * 0.5)
        m2 = g.single_consumer(g.nodes[m1].output[0])
        if m2 is None or g.nodes[m2].op_type != "Mul" or _other_input(g.nodes[m2], g.nodes[m1].output[0]) != x:
            return None
        return Match(m2, [d, i, a, m1], "gelu", [x])
    h = g.produced_by(other, "Mul")  # (x * 0.5) * (1 + erf)
    if h is not None and g.single_consumer(other) == m1 and x in g.nodes[h].input and _near(
            g.scalar(_other_input(g.nodes[h], x)), 0.5):
        return Match(m1, [d, i, a, h], "gelu", [x])
    return None


def _reduce_axes(g, i):
    node = g.nodes[i]
    a = attributes(node)
    if not a.get("keepdims", 1):
        return None
    if len(node.input) > 1 and node.input[1]:
        v = g.values.get(node.input[1])
        return None if v is None else ints(v.reshape(-1))
    return ints(a["axes"]) if "axes" in a else None


def _norm_tail(g, start, x, absorbed):
    """Shared end of the decomposed norms: ReduceMean(sq) + eps -> Sqrt -> Div (or Reciprocal + Mul),
    then an optional Mul by a scale and Add of a bias. Returns (tail, eps, scale, bias, axes) or None."""
    r = g.single_consumer(g.nodes[start].output[0])
    if r is None or g.nodes[r].op_type != "ReduceMean":
        return None
    axes = _reduce_axes(g, r)
    add = g.single_consumer(g.nodes[r].output[0])
    if axes is None or add is None or g.nodes[add].op_type != "Add":
        return None
    eps = g.scalar(_other_input(g.nodes[add], g.nodes[r].output[0]))
    sq = g.single_consumer(g.nodes[add].output[0])
    if eps is None or sq is None or g.nodes[sq].op_type != "Sqrt":
        return None
    nxt = g.single_consumer(g.nodes[sq].output[0])
    if nxt is None:
        return None
    if g.nodes[nxt].op_type == "Div" and list(g.nodes[nxt].input) == [x, g.nodes[sq].output[0]]:
        tail = nxt
        absorbed += [start, r, add, sq]
    elif g.nodes[nxt].op_type == "Reciprocal":
        mul = g.single_consumer(g.nodes[nxt].output[0])
        if mul is None or g.nodes[mul].op_type != "Mul" or _other_input(g.nodes[mul], g.nodes[nxt].output[0]) != x:
            return None
        tail = mul
        absorbed += [start, r, add, sq, nxt]
    else:
        return None
    scale = bias = None
    m = g.single_consumer(g.nodes[tail].output[0])
    if m is not None and g.nodes[m].op_type == "Mul":
        w = _other_input(g.nodes[m], g.nodes[tail].output[0])
        if w in g.initializers or w in g.values:
            absorbed.append(tail)
            tail, scale = m, w
            b = g.single_consumer(g.nodes[tail].output[0])
            if b is not None and g.nodes[b].op_type == "Add":
                w = _other_input(g.nodes[b], g.nodes[tail].output[0])
                if w in g.initializers or w in g.values:
                    absorbed.append(tail)
                    tail, bias = b, w
    return tail, eps, scale, bias, axes


def _trailing_axis(axes, rank):
    axes = sorted(a % rank for a in axes)
    return axes[0] if axes == list(range(rank - len(axes), rank)) else None


def match_layernorm(g, i, shapes):
    """Sub(x, ReduceMean(x)) -> Pow 2 -> ReduceMean -> Add eps -> Sqrt -> Div [-> Mul scale -> Add bias]."""
    sub = g.nodes[i]
    x = sub.input[0]
    r1 = g.produced_by(sub.input[1], "ReduceMean")
    if r1 is None or g.nodes[r1].input[0] != x or g.single_consumer(g.nodes[r1].output[0]) != i:
        return None
    d = sub.output[0]
    users = g.consumers.get(d, [])
    if len(users) != 2 or -1 in users:
        return None
    pow_ = next((u for u in users if g.nodes[u].op_type == "Pow" and _near(g.scalar(g.nodes[u].input[1]), 2.0)
                 or g.nodes[u].op_type == "Mul" and list(g.nodes[u].input) == [d, d]), None)
    if pow_ is None:
        return None
    absorbed = [r1, i]
    found = _norm_tail(g, pow_, d, absorbed)
    rank = len(shapes.get(x, []))
    if found is None or not rank:
        return None
    tail, eps, scale, bias, axes = found
    axis = _trailing_axis(axes, rank)
    if axis is None or _reduce_axes(g, r1) != axes or (bias and not scale):
        return None
    return Match(tail, absorbed, "layernorm", [x] + [w for w in (scale, bias) if w],
                 {"axis": axis - rank, "epsilon": short_float(eps)})


def match_rmsnorm(g, i, shapes):
    """x / sqrt(mean(x^2) + eps) [* scale], the form LLaMA-style exports use."""
    node = g.nodes[i]
    x = node.input[0]
    if not (node.op_type == "Pow" and _near(g.scalar(node.input[1]), 2.0)
            or node.op_type == "Mul" and list(node.input) == [x, x]):
        return None
    absorbed = []
    found = _norm_tail(g, i, x, absorbed)
    rank = len(shapes.get(x, []))
    if found is None or not rank:
        return None
    tail, eps, scale, bias, axes = found
    axis = _trailing_axis(axes, rank)
    if axis is None or bias:
        return None
    return Match(tail, absorbed, "rmsnorm", [x] + ([scale] if scale else []),
                 {"axis": axis - rank, "epsilon": short_float(eps)})


def find_patterns(g, shapes):
    matches, taken = {}, set()
    finders = [("Sub", lambda i: match_layernorm(g, i, shapes)), ("Pow", lambda i: match_rmsnorm(g, i, shapes)),
               ("Mul", lambda i: match_rmsnorm(g, i, shapes)), ("Erf", lambda i: match_gelu(g, i)),
               ("Sigmoid", lambda i: match_silu_like(g, i)), ("HardSigmoid", lambda i: match_silu_like(g, i))]
    for op_type, finder in finders:
        for i, node in enumerate(g.nodes):
            if node.op_type != op_type or i in taken:
                continue
            m = finder(i)
            if m is None or taken & set(m.absorbed + [m.tail]):
                continue
            # absorbed nodes may feed nothing outside the pattern
            inside = set(m.absorbed + [m.tail])
            if any(u not in inside for j in m.absorbed for o in g.nodes[j].output for u in g.consumers.get(o, [])):
                continue
            matches[m.tail] = m
            taken |= inside
    return matches, taken


# --------------------------------------------------------------------------------------------------
# The importer


class Importer:
    def __init__(self, model, batch, dims, name, source):
        self.shapes = run_shape_inference(model, batch, dims)
        self.g = Graph(model, dims)
        self.g.shapes.update(self.shapes)
        self.shapes = self.g.shapes
        self.batch = batch
        self.b = tracelib.TraceBuilder(name, "imported from %s (opset %d)" % (source, self.g.opset))
        self.source = source
        self.alias = {}
        self.opaque = set()
        self.unsupported = {}
        self.op_names = set()
        self.folded = 0
        self.bn_fold = {}  # BatchNormalization node -> the Conv node it folds into
        self.pad_fold = {}  # Conv node -> (input before the Pad, extra pads)

    # -- names and tensors --

    def real(self, value):
        while value in self.alias:
            value = self.alias[value]
        return value

    def link(self, value, tensor):
        """Records that ONNX value `value` is trace tensor `tensor` (they differ after fusions and aliases)."""
        if value != tensor:
            self.alias[value] = tensor

    def shape(self, value):
        value = self.real(value)
        if value in self.b.tensors:
            return self.b.shape(value)
        if value in self.g.values:
            return list(self.g.values[value].shape)
        if value in self.shapes:
            return list(self.shapes[value])
        raise ImportFailure("the shape of %r is unknown (ONNX shape inference could not determine it)" % value)

    def is_const(self, value):
        value = self.real(value)
        return value in self.g.values or value in self.g.initializers

    def const_value(self, value):
        return self.g.values.get(self.real(value))

    def fresh(self, base):
        name, n = base, 1
        while name in self.b.tensors or name in self.g.producer or name in self.g.initializers:
            name, n = "%s_%d" % (base, n), n + 1
        return name

    def op_name(self, base):
        name, n = base, 1
        while name in self.op_names:
            name, n = "%s_%d" % (base, n), n + 1
        self.op_names.add(name)
        return name

    def tensor(self, value, shape=None):
        """The trace tensor for an ONNX value, creating weight tensors for constants on first use."""
        value = self.real(value)
        if value in self.b.tensors:
            return value
        if not self.is_const(value):
            if value in self.opaque:
                raise Downstream()
            raise ImportFailure("value %r is used before it is produced" % value)
        shape = shape or self.shape(value) or [1]  # a scalar constant is stored as [1]; broadcasting agrees
        return self.b.weight(value, shape)

    def emit(self, op_type, base_name, inputs, out_value, attrs=None, out_shape=None, outputs=None):
        name = self.op_name(base_name)
        shapes = None if out_shape is None else [out_shape]
        outs = outputs or [out_value if out_value not in self.b.tensors else self.fresh(out_value)]
        return self.b.op(op_type, name, inputs, attrs, outputs=outs, out_shapes=shapes)

    def expect(self, value, produced):
        """Checks a trace tensor against ONNX's own inferred shape of the value it stands for."""
        onnx_shape = self.shapes.get(value)
        got = self.b.shape(produced)
        if onnx_shape is not None and list(onnx_shape) != got and not (onnx_shape == [] and got == [1]):
            raise ImportFailure("%s: trace shape %s differs from the ONNX shape %s" % (value, got, onnx_shape))

    # -- the walk --

    def run(self):
        matches, taken = find_patterns(self.g, self.shapes)
        self.absorb_batchnorm_and_pad(matches, taken)
        for vi in self.g.inputs:
            self.b.input(vi.name, self.shapes[vi.name])
        for i, node in enumerate(self.g.nodes):
            if i in taken and i not in matches:
                continue
            try:
                if i in matches:
                    self.emit_match(i, matches[i])
                else:
                    self.convert(i, node)
            except Downstream:
                self.opaque.update(o for o in node.output if o)
            except Unsupported as u:
                key = node.op_type if node.domain in ("", "ai.onnx") else "%s.%s" % (node.domain, node.op_type)
                count, details = self.unsupported.get(key, (0, set()))
                if u.detail:
                    details.add(u.detail)
                self.unsupported[key] = (count + 1, details)
                self.opaque.update(o for o in node.output if o)
        if self.unsupported:
            parts = []
            for key in sorted(self.unsupported):
                count, details = self.unsupported[key]
                parts.append("%s x%d%s" % (key, count, " (%s)" % "; ".join(sorted(details)) if details else ""))
            total = sum(c for c, _ in self.unsupported.values())
            raise ImportFailure("%s: %d node%s of unsupported op types: %s"
                                % (self.source, total, "s" if total != 1 else "", ", ".join(parts)))
        self.finish()
        return self.b

    def finish(self):
        used = {i for op in self.b.ops for i in op["inputs"]}
        for vi in self.g.inputs:
            if vi.name not in used:
                del self.b.tensors[vi.name]  # only feeds shape arithmetic
        if not self.b.ops:
            raise ImportFailure("%s: the model has no compute ops left after folding constants" % self.source)
        trace = self.b.to_dict()
        macs, _ = tracelib.trace_macs(trace)
        self.b.metadata = {
            "generator": "scripts/onnx2trace.py", "source": self.source, "opset": self.g.opset,
            "producer": " ".join(p for p in (self.g.model.producer_name, self.g.model.producer_version) if p),
            "batch": self.batch, "onnx_nodes": len(self.g.nodes), "folded_nodes": self.folded, "macs": macs,
            # every constant the ops read, learned or not (ONNX does not tell them apart)
            "weight_elements": sum(tracelib.numel(t["shape"]) for t in trace["tensors"] if t.get("kind") == "weight"),
        }

    def emit_match(self, i, m):
        node = self.g.nodes[i]
        out = node.output[0]
        produced = self.emit(m.op_type, self.g.node_name(i), [self.tensor(x) for x in m.inputs], out, m.attrs)
        self.link(out, produced)
        self.expect(out, produced)

    def absorb_batchnorm_and_pad(self, matches, taken):
        """Conv followed only by BatchNormalization -> one conv with a bias (what deployment does).
        Pad (zeros, spatial only) followed only by Conv -> the conv's own padding."""
        g = self.g
        for i, node in enumerate(g.nodes):
            if i in taken:
                continue
            if node.op_type == "BatchNormalization" and len([o for o in node.output if o]) == 1:
                c = g.produced_by(node.input[0], "Conv")
                if c is not None and c not in taken and g.single_consumer(g.nodes[c].output[0]) == i and \
                        len(self.shapes.get(g.nodes[c].input[0], [])) == 4:
                    self.bn_fold[i] = c
                    taken.add(c)
            elif node.op_type == "Conv":
                p = g.produced_by(node.input[0], "Pad")
                if p is not None and p not in taken and g.single_consumer(g.nodes[p].output[0]) == i:
                    pads = self.spatial_pads(p)
                    if pads is not None:
                        self.pad_fold[i] = (g.nodes[p].input[0], pads)
                        taken.add(p)

    def spatial_pads(self, p):
        node = self.g.nodes[p]
        a = attributes(node)
        if decoded(a.get("mode", b"constant")) != "constant":
            return None
        if len(node.input) > 1 and node.input[1]:
            v = self.g.values.get(node.input[1])
            pads = None if v is None else ints(v)
        else:
            pads = ints(a.get("pads", []))
        if len(node.input) > 2 and node.input[2] and self.g.scalar(node.input[2]) not in (0.0, None):
            return None
        if len(node.input) > 3 and node.input[3]:
            return None  # explicit axes: rare, keep it simple
        if a.get("value", 0.0) != 0.0 or pads is None or len(pads) != 8 or any(pads[j] for j in (0, 1, 4, 5)):
            return None
        return [pads[2], pads[3], pads[6], pads[7]]  # top, left, bottom, right

    def convert(self, i, node):
        if node.domain not in ("", "ai.onnx"):
            raise Unsupported()
        inputs = [x for x in node.input]
        outs = [o for o in node.output if o]
        # Constant folding: every input known, or Shape/Size of a tensor whose shape is known.
        if node.op_type in ("Shape", "Size"):
            try:
                shape = self.shape(inputs[0])
            except ImportFailure:
                if self.real(inputs[0]) in self.opaque:
                    raise Downstream()
                raise
            if node.op_type == "Size":
                value = np.array(int(np.prod(shape, dtype=np.int64)), dtype=np.int64)
            else:
                a = attributes(node)
                value = np.array(shape[a.get("start", 0):a.get("end", len(shape))], dtype=np.int64)
            self.g.values[outs[0]] = value
            self.folded += 1
            return
        args_known = all(not x or self.const_value(x) is not None for x in inputs)
        if node.op_type in FOLDERS and args_known and sum(
                self.const_value(x).size for x in inputs if x) <= FOLD_LIMIT:
            args = [self.const_value(x) if x else None for x in inputs]
            try:
                results = FOLDERS[node.op_type](node, args, attributes(node))
            except Unsupported:
                raise
            except Exception as e:
                raise ImportFailure("cannot fold constant node %s: %s" % (self.g.node_name(i), e))
            for o, v in zip(node.output, results):
                if o:
                    self.g.values[o] = np.asarray(v)
            self.folded += 1
            return
        handler = getattr(self, "convert_" + node.op_type, None)
        if handler is None and node.op_type not in ALIASES:
            raise Unsupported()
        if any(x and self.real(x) in self.opaque for x in inputs):
            check = getattr(self, "variant_" + node.op_type, None)
            if check:
                check(node, attributes(node))  # still report an unsupported form of this op itself
            raise Downstream()
        if node.op_type in ALIASES:
            if node.op_type == "Dropout" and len(outs) > 1 and self.g.consumers.get(outs[1]):
                raise Unsupported("mask output used")
            self.link(outs[0], self.real(inputs[0]))
            return
        handler(i, node, attributes(node))

    # -- op converters: each maps one ONNX node onto trace ops --

    def name(self, i):
        return self.g.node_name(i)

    def finish_node(self, node, produced):
        self.link(node.output[0], produced)
        self.expect(node.output[0], produced)

    @staticmethod
    def conv_geometry(a, x_shape, w_shape, extra_pads=None):
        spatial = len(x_shape) - 2
        kernel = ints(a.get("kernel_shape", w_shape[2:]))
        strides = ints(a.get("strides", [1] * spatial))
        dil = ints(a.get("dilations", [1] * spatial))
        auto_pad = decoded(a.get("auto_pad", b"NOTSET"))
        if auto_pad in ("SAME_UPPER", "SAME_LOWER"):
            pairs = [same_pads(x_shape[2 + d], kernel[d], strides[d], dil[d], auto_pad == "SAME_UPPER")
                     for d in range(spatial)]
            pads = [p[0] for p in pairs] + [p[1] for p in pairs]
        elif auto_pad == "VALID":
            pads = [0] * (2 * spatial)
        else:
            pads = ints(a.get("pads", [0] * (2 * spatial)))
        if extra_pads:
            pads = [p + e for p, e in zip(pads, extra_pads)]
        return kernel, strides, dil, pads

    def convert_Conv(self, i, node, a, bias_override=None, name_override=None):
        x_value = node.input[0]
        extra = None
        fold = self.pad_fold.get(i)
        if fold:
            x_value, extra = fold
        x = self.tensor(x_value)
        xs, ws = self.shape(x_value), self.shape(node.input[1])
        if len(xs) == 3:  # 1-D conv as a 2-D conv over a height of 1
            return self.conv1d(i, node, a, x, xs, ws, bias_override)
        if len(xs) != 4:
            raise Unsupported("%d-D" % (len(xs) - 2))
        kernel, strides, dil, pads = self.conv_geometry(a, xs, ws, extra)
        attrs = {"kernel": kernel, "stride": strides, "dilation": dil, "groups": int(a.get("group", 1)),
                 "padding": pads[:2] if pads[:2] == pads[2:] else pads}
        ins = [x, self.tensor(node.input[1])]
        bias = bias_override or (node.input[2] if len(node.input) > 2 and node.input[2] else None)
        if bias:
            ins.append(self.tensor(bias, [ws[0]]))
        out = node.output[0] if name_override is None else name_override[1]
        produced = self.emit("conv2d", name_override[0] if name_override else self.name(i), ins, out, attrs)
        self.link(out, produced)
        self.expect(out, produced)

    def conv1d(self, i, node, a, x, xs, ws, bias_override):
        kernel, strides, dil, pads = self.conv_geometry(a, xs, ws)
        base = self.name(i)
        x4 = self.emit("reshape", base + ".as_2d", [x], self.fresh(node.output[0] + ".as_2d"),
                       out_shape=xs[:2] + [1, xs[2]])
        w_name = self.real(node.input[1])
        if w_name in self.b.tensors or not self.is_const(w_name):
            raise Unsupported("1-D conv with a shared or computed weight")
        w = self.b.weight(w_name, ws[:2] + [1, ws[2]])
        ins = [x4, w]
        bias = bias_override or (node.input[2] if len(node.input) > 2 and node.input[2] else None)
        if bias:
            ins.append(self.tensor(bias, [ws[0]]))
        attrs = {"kernel": [1, kernel[0]], "stride": [1, strides[0]], "dilation": [1, dil[0]],
                 "groups": int(a.get("group", 1)),
                 "padding": [0, pads[0]] if pads[0] == pads[1] else [0, pads[0], 0, pads[1]]}
        y4 = self.emit("conv2d", base, ins, self.fresh(node.output[0] + ".2d"), attrs)
        ys = self.b.shape(y4)
        self.finish_node(node, self.emit("reshape", base + ".as_1d", [y4], node.output[0],
                                         out_shape=[ys[0], ys[1], ys[3]]))

    def convert_BatchNormalization(self, i, node, a):
        if len([o for o in node.output if o]) > 1:
            raise Unsupported("training outputs")
        conv = self.bn_fold.get(i)
        if conv is not None:
            cnode = self.g.nodes[conv]
            channels = self.shape(cnode.input[1])[0]
            bias = cnode.input[2] if len(cnode.input) > 2 and cnode.input[2] else None
            if bias is None:
                bias = self.fresh(self.name(i) + ".folded_bias")
                self.b.weight(bias, [channels])
            return self.convert_Conv(conv, cnode, attributes(cnode), bias_override=bias,
                                     name_override=(self.name(conv), node.output[0]))
        # Standalone: y = x * scale + shift with per-channel constants.
        xs = self.shape(node.input[0])
        per_channel = [xs[1]] + [1] * (len(xs) - 2)
        base = self.name(i)
        scale = self.b.weight(self.fresh(base + ".scale"), per_channel)
        shift = self.b.weight(self.fresh(base + ".shift"), per_channel)
        y = self.emit("mul", base + ".scale", [self.tensor(node.input[0]), scale],
                      self.fresh(node.output[0] + ".scaled"))
        self.finish_node(node, self.emit("add", base + ".shift", [y, shift], node.output[0]))

    def convert_ConvTranspose(self, i, node, a):
        xs, ws = self.shape(node.input[0]), self.shape(node.input[1])
        if len(xs) != 4:
            raise Unsupported("%d-D" % (len(xs) - 2))
        kernel = ints(a.get("kernel_shape", ws[2:]))
        strides = ints(a.get("strides", [1, 1]))
        dil = ints(a.get("dilations", [1, 1]))
        out_pad = ints(a.get("output_padding", [0, 0]))
        pads = ints(a.get("pads", [0, 0, 0, 0]))
        auto_pad = decoded(a.get("auto_pad", b"NOTSET"))
        if "output_shape" in a or auto_pad in ("SAME_UPPER", "SAME_LOWER"):
            target = ints(a["output_shape"])[-2:] if "output_shape" in a else [xs[2] * strides[0], xs[3] * strides[1]]
            pads = [0, 0, 0, 0]
            for d in range(2):
                total = strides[d] * (xs[2 + d] - 1) + out_pad[d] + (kernel[d] - 1) * dil[d] + 1 - target[d]
                small, big = total // 2, total - total // 2
                pads[d], pads[d + 2] = (small, big) if auto_pad == "SAME_UPPER" else (big, small)
        # The format has symmetric padding only; an uneven pair becomes the larger pad plus output padding.
        sym, extra = [], []
        for d in range(2):
            before, after = pads[d], pads[d + 2]
            sym.append(max(before, after))
            extra.append(out_pad[d] + abs(before - after))
        attrs = {"kernel": kernel, "stride": strides, "padding": sym, "output_padding": extra, "dilation": dil,
                 "groups": int(a.get("group", 1))}
        ins = [self.tensor(node.input[0]), self.tensor(node.input[1])]
        if len(node.input) > 2 and node.input[2]:
            ins.append(self.tensor(node.input[2]))
        self.finish_node(node, self.emit("conv_transpose2d", self.name(i), ins, node.output[0], attrs))

    def convert_Gemm(self, i, node, a):
        base = self.name(i)
        x = self.tensor(node.input[0])
        if a.get("transA", 0):
            x = self.emit("transpose", base + ".transpose_a", [x], self.fresh(node.output[0] + ".a_t"),
                          {"perm": [1, 0]})
        bs = self.shape(node.input[1])
        trans_b = bool(a.get("transB", 0))
        n = bs[0] if trans_b else bs[1]
        ins = [x, self.tensor(node.input[1])]
        attrs = {"transpose_b": True} if trans_b else {}
        c = node.input[2] if len(node.input) > 2 and node.input[2] else None
        fused_bias = c is not None and self.is_const(c) and self.real(c) not in self.b.tensors and \
            int(np.prod(self.shape(c))) == n and len(self.g.consumers.get(c, [])) == 1
        if fused_bias:
            ins.append(self.tensor(c, [n]))
        if c is None or fused_bias:
            return self.finish_node(node, self.emit("matmul", base, ins, node.output[0], attrs))
        y = self.emit("matmul", base, ins, self.fresh(node.output[0] + ".matmul"), attrs)
        self.finish_node(node, self.emit("add", base + ".bias", [y, self.tensor(c)], node.output[0]))

    def convert_MatMul(self, i, node, a):
        base = self.name(i)
        a_s, b_s = self.shape(node.input[0]), self.shape(node.input[1])
        x, w = self.tensor(node.input[0]), self.tensor(node.input[1])
        if len(a_s) == 1:  # numpy rules: a vector is a row, dropped again from the result
            x = self.emit("reshape", base + ".a_row", [x], self.fresh(node.output[0] + ".a_row"), out_shape=[1, a_s[0]])
        if len(b_s) == 1:
            w = self.emit("reshape", base + ".b_col", [w], self.fresh(node.output[0] + ".b_col"), out_shape=[b_s[0], 1])
        if len(a_s) > 1 and len(b_s) > 1:
            return self.finish_node(node, self.emit("matmul", base, [x, w], node.output[0]))
        y = self.emit("matmul", base, [x, w], self.fresh(node.output[0] + ".2d"))
        self.finish_node(node, self.emit("reshape", base + ".squeeze", [y], node.output[0],
                                         out_shape=self.shapes.get(node.output[0]) or self.squeezed(a_s, b_s)))

    @staticmethod
    def squeezed(a_s, b_s):
        lead = tracelib.broadcast(a_s[:-2], b_s[:-2])
        return lead + ([a_s[-2]] if len(a_s) > 1 else []) + ([b_s[-1]] if len(b_s) > 1 else [])

    def binary(self, op_type, i, node):
        ins = [self.tensor(x) for x in node.input[:2]]
        self.finish_node(node, self.emit(op_type, self.name(i), ins, node.output[0]))

    def convert_Add(self, i, node, a):
        self.binary("add", i, node)

    def convert_Sub(self, i, node, a):
        self.binary("sub", i, node)

    def convert_Mul(self, i, node, a):
        self.binary("mul", i, node)

    def convert_Div(self, i, node, a):
        self.binary("div", i, node)

    def unary(self, op_type, i, node, attrs=None):
        self.finish_node(node, self.emit(op_type, self.name(i), [self.tensor(node.input[0])], node.output[0], attrs))

    def convert_Relu(self, i, node, a):
        self.unary("relu", i, node)

    def convert_Sigmoid(self, i, node, a):
        self.unary("sigmoid", i, node)

    def convert_Tanh(self, i, node, a):
        self.unary("tanh", i, node)

    def convert_Exp(self, i, node, a):
        self.unary("exp", i, node)

    def convert_HardSigmoid(self, i, node, a):
        self.unary("hardsigmoid", i, node)

    def convert_HardSwish(self, i, node, a):
        self.unary("hardswish", i, node)

    def convert_Gelu(self, i, node, a):
        self.unary("gelu", i, node)

    def convert_Clip(self, i, node, a):
        self.unary(self.variant_Clip(node, a), i, node)

    def variant_Clip(self, node, a):
        if self.g.opset < 11:
            lo, hi = a.get("min", -3.4e38), a.get("max", 3.4e38)
        else:
            lo = self.g.scalar(node.input[1]) if len(node.input) > 1 and node.input[1] else -3.4e38
            hi = self.g.scalar(node.input[2]) if len(node.input) > 2 and node.input[2] else 3.4e38
            if lo is None or hi is None:
                raise Unsupported("bounds not constant")
        if lo == 0 and hi == 6:
            return "relu6"
        if lo == 0 and hi >= 3.4e38:
            return "relu"
        raise Unsupported("min %g, max %g" % (lo, hi))

    def convert_Softmax(self, i, node, a):
        xs = self.shape(node.input[0])
        axis = int(a.get("axis", -1 if self.g.opset >= 13 else 1)) % len(xs)
        if self.g.opset >= 13 or axis == len(xs) - 1:
            return self.unary("softmax", i, node, {"axis": axis - len(xs)})
        # Before opset 13 Softmax normalised over all dims from axis on, as one flattened row.
        base = self.name(i)
        rows = int(np.prod(xs[:axis]))
        flat = self.emit("reshape", base + ".flatten", [self.tensor(node.input[0])],
                         self.fresh(node.output[0] + ".rows"), out_shape=[rows, int(np.prod(xs[axis:]))])
        y = self.emit("softmax", base, [flat], self.fresh(node.output[0] + ".softmax"), {"axis": -1})
        self.finish_node(node, self.emit("reshape", base + ".unflatten", [y], node.output[0], out_shape=xs))

    def convert_LayerNormalization(self, i, node, a):
        if any(o and self.g.consumers.get(o) for o in node.output[1:]):
            raise Unsupported("mean/inv_std_dev outputs used")
        ins = [self.tensor(x) for x in node.input if x]
        attrs = {"axis": int(a.get("axis", -1)), "epsilon": short_float(a.get("epsilon", 1e-5))}
        self.finish_node(node, self.emit("layernorm", self.name(i), ins, node.output[0], attrs))

    def convert_GlobalAveragePool(self, i, node, a):
        if len(self.shape(node.input[0])) != 4:
            raise Unsupported("not 2-D")
        self.unary("global_avgpool", i, node)

    def convert_ReduceMean(self, i, node, a):
        xs = self.shape(node.input[0])
        axes = _reduce_axes(self.g, i)
        if len(xs) == 4 and axes is not None and sorted(x % 4 for x in axes) == [2, 3]:
            return self.unary("global_avgpool", i, node)  # mean over H and W, dims kept
        raise Unsupported("outside a norm pattern")

    def pool(self, op_type, i, node, a):
        xs = self.shape(node.input[0])
        if len(xs) != 4:
            raise Unsupported("not 2-D")
        if any(d != 1 for d in a.get("dilations", [1, 1])):
            raise Unsupported("dilated")
        if len([o for o in node.output if o]) > 1:
            raise Unsupported("indices output")
        kernel = ints(a["kernel_shape"])
        strides = ints(a.get("strides", [1, 1]))
        auto_pad = decoded(a.get("auto_pad", b"NOTSET"))
        if auto_pad in ("SAME_UPPER", "SAME_LOWER"):
            pairs = [same_pads(xs[2 + d], kernel[d], strides[d], 1, auto_pad == "SAME_UPPER") for d in range(2)]
            pads = [pairs[0][0], pairs[1][0], pairs[0][1], pairs[1][1]]
        else:
            pads = ints(a.get("pads", [0, 0, 0, 0]))
        if pads[:2] != pads[2:]:
            raise Unsupported("uneven padding")
        attrs = {"kernel": kernel, "stride": strides, "padding": pads[:2], "ceil_mode": bool(a.get("ceil_mode", 0))}
        self.unary(op_type, i, node, attrs)

    def convert_MaxPool(self, i, node, a):
        self.pool("maxpool2d", i, node, a)

    def convert_AveragePool(self, i, node, a):
        self.pool("avgpool2d", i, node, a)

    def out_shape(self, i, node, compute):
        """ONNX's inferred output shape, or our own from folded constants when inference gave none."""
        ys = self.shapes.get(node.output[0])
        if ys is None:
            try:
                ys = compute()
            except (TypeError, ValueError, IndexError):
                ys = None
        if ys is None:
            raise ImportFailure("cannot determine the output shape of node %s" % self.name(i))
        return [int(d) for d in ys]

    def operand(self, node, index, attrs, key=None):
        """A constant operand given as input `index` (newer opsets) or attribute `key` (older ones)."""
        if len(node.input) > index and node.input[index]:
            v = self.const_value(node.input[index])
            return None if v is None else v.reshape(-1).tolist()
        return list(attrs[key]) if key and key in attrs else None

    def resize_shape(self, node, a):
        xs = self.shape(node.input[0])
        if node.op_type == "Resize" and self.g.opset >= 11:
            sizes = self.operand(node, 3, a)
            if sizes:
                return sizes
            scales = self.operand(node, 2, a)
        else:
            scales = self.operand(node, 1, a, "scales")
        return [int(np.floor(d * s)) for d, s in zip(xs, scales)]

    def resize(self, i, node, mode):
        xs = self.shape(node.input[0])
        ys = self.out_shape(i, node, lambda: self.resize_shape(node, attributes(node)))
        if len(xs) != 4 or xs[:2] != ys[:2] or ys[2] % xs[2] or ys[3] % xs[3]:
            raise Unsupported("not an integer 2-D upscale")
        if mode not in ("nearest", "linear", "bilinear"):
            raise Unsupported("mode %s" % mode)
        attrs = {"scale": [ys[2] // xs[2], ys[3] // xs[3]], "mode": "nearest" if mode == "nearest" else "bilinear"}
        self.unary("upsample", i, node, attrs)

    def convert_Resize(self, i, node, a):
        self.resize(i, node, decoded(a.get("mode", b"nearest")))

    def convert_Upsample(self, i, node, a):
        self.resize(i, node, decoded(a.get("mode", b"nearest")))

    def convert_Concat(self, i, node, a):
        present = [x for x in node.input if x]
        # exporters sometimes concatenate empty tensors; they add nothing
        ins = [self.tensor(x) for x in present if tracelib.numel(self.shape(x)) > 0] or [self.tensor(present[0])]
        self.finish_node(node, self.emit("concat", self.name(i), ins, node.output[0], {"axis": int(a["axis"])}))

    def shape_only(self, op_type, i, node, compute):
        ys = self.out_shape(i, node, compute)
        self.finish_node(node, self.emit(op_type, self.name(i), [self.tensor(node.input[0])], node.output[0],
                                         out_shape=ys))

    def convert_Reshape(self, i, node, a):
        xs = self.shape(node.input[0])

        def compute():
            target = [int(d) for d in self.operand(node, 1, a, "shape")]
            if not a.get("allowzero", 0):
                target = [xs[k] if d == 0 else d for k, d in enumerate(target)]
            if -1 in target:
                known = tracelib.numel([d for d in target if d != -1])
                target[target.index(-1)] = tracelib.numel(xs) // known
            return target
        self.shape_only("reshape", i, node, compute)

    def convert_Squeeze(self, i, node, a):
        xs = self.shape(node.input[0])

        def compute():
            axes = self.operand(node, 1, a, "axes")
            drop = {int(x) % len(xs) for x in axes} if axes else {k for k, d in enumerate(xs) if d == 1}
            return [d for k, d in enumerate(xs) if k not in drop]
        self.shape_only("squeeze", i, node, compute)

    def convert_Unsqueeze(self, i, node, a):
        xs = self.shape(node.input[0])

        def compute():
            axes = self.operand(node, 1, a, "axes")
            rank = len(xs) + len(axes)
            out = list(xs)
            for x in sorted(int(x) % rank for x in axes):
                out.insert(x, 1)
            return out
        self.shape_only("unsqueeze", i, node, compute)

    def convert_Flatten(self, i, node, a):
        axis = int(a.get("axis", 1))
        if axis < 0:
            axis += len(self.shape(node.input[0]))
        self.unary("flatten", i, node, {"axis": axis})

    def convert_Transpose(self, i, node, a):
        rank = len(self.shape(node.input[0]))
        perm = ints(a.get("perm", list(range(rank))[::-1]))
        self.unary("transpose", i, node, {"perm": perm})

    def slices(self, base, x, out_value, ranges):
        """Chains one slice op per axis that is actually cut."""
        cuts = [(axis, s, e) for axis, s, e, size in ranges if (s, e) != (0, size)]
        if not cuts:
            return x
        for n, (axis, s, e) in enumerate(cuts):
            last = n == len(cuts) - 1
            x = self.emit("slice", base if last else "%s.axis%d" % (base, axis), [x],
                          out_value if last else self.fresh("%s.axis%d" % (out_value, axis)),
                          {"axis": axis, "start": s, "end": e})
        return x

    def convert_Slice(self, i, node, a):
        xs = self.shape(node.input[0])
        if self.g.opset < 10:
            starts, ends, axes, steps = a["starts"], a["ends"], a.get("axes"), None
        else:
            names = (list(node.input[1:]) + ["", "", "", ""])[:4]
            vals = [self.const_value(x) if x else None for x in names]
            if any(x and v is None for x, v in zip(names, vals)):
                raise Unsupported("bounds not constant")
            starts, ends = ints(vals[0]), ints(vals[1])
            axes = ints(vals[2]) if vals[2] is not None else None
            steps = ints(vals[3]) if vals[3] is not None else None
        axes = list(range(len(starts))) if axes is None else [x % len(xs) for x in axes]
        if steps and any(s != 1 for s in steps):
            raise Unsupported("step other than 1")
        ranges = []
        for s, e, ax in zip(starts, ends, axes):
            size = xs[ax]
            s = min(max(s + size if s < 0 else s, 0), size)
            e = min(max(e + size if e < 0 else e, 0), size)
            ranges.append((ax, s, max(s, e), size))
        produced = self.slices(self.name(i), self.tensor(node.input[0]), node.output[0], sorted(ranges))
        self.finish_node(node, produced)

    def convert_Split(self, i, node, a):
        xs = self.shape(node.input[0])
        axis = int(a.get("axis", 0)) % len(xs)
        outs = [o for o in node.output]
        sizes = None
        if len(node.input) > 1 and node.input[1]:
            v = self.const_value(node.input[1])
            if v is None:
                raise Unsupported("split sizes not constant")
            sizes = ints(v)
        elif "split" in a:
            sizes = ints(a["split"])
        else:
            step = -(-xs[axis] // len(outs))
            sizes = [min(step, xs[axis] - k * step) for k in range(len(outs))]
        x = self.tensor(node.input[0])
        start = 0
        for k, (o, size) in enumerate(zip(outs, sizes)):
            if o:
                produced = self.emit("slice", "%s.%d" % (self.name(i), k), [x], o,
                                     {"axis": axis, "start": start, "end": start + size})
                self.link(o, produced)
                self.expect(o, produced)
            start += size


# --------------------------------------------------------------------------------------------------
# Command line


def parse_dims(items, ap):
    dims = {}
    for item in items or []:
        name, _, value = item.partition("=")
        if not name or not value.isdigit() or int(value) <= 0:
            ap.error("--dim expects NAME=POSITIVE_INTEGER, got %r" % item)
        dims[name] = int(value)
    return dims


def load_model(path):
    if not os.path.isfile(path):
        raise ImportFailure("%s: no such file" % path)
    try:
        return onnx.load(path, load_external_data=False)
    except Exception as e:
        first = (str(e).strip().splitlines() or [type(e).__name__])[0]
        raise ImportFailure("%s: not a readable ONNX model (%s)" % (path, first))


def main(argv=None):
    ap = argparse.ArgumentParser(prog=PROG, description="Import an ONNX model as a Tessera workload trace.")
    ap.add_argument("model", help="ONNX file")
    ap.add_argument("-o", "--output", required=True, help="trace file to write")
    ap.add_argument("--batch", type=int, help="batch size: sets the first dimension of every graph input")
    ap.add_argument("--dim", action="append", metavar="NAME=VALUE", help="value of a symbolic input dimension")
    ap.add_argument("--name", help="trace name (default: the output file name without .json)")
    args = ap.parse_args(argv)
    if args.batch is not None and args.batch <= 0:
        ap.error("--batch must be positive")
    dims = parse_dims(args.dim, ap)
    name = args.name or os.path.splitext(os.path.basename(args.output))[0]
    try:
        model = load_model(args.model)
        builder = Importer(model, args.batch, dims, name, os.path.basename(args.model)).run()
        problems = tracelib.check_trace(builder.to_dict())
        if problems:
            raise ImportFailure("the imported graph breaks the trace rules: %s" % "; ".join(problems[:5]))
    except ImportFailure as e:
        fail(str(e))
    except tracelib.ShapeError as e:
        fail("%s: %s" % (os.path.basename(args.model), e))
    tracelib.write_or_exit(builder.to_dict(), args.output, PROG)
    return 0


if __name__ == "__main__":
    sys.exit(main())
