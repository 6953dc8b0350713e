"""Pattern fusion: decompositions that become one trace op (x*sigmoid(x) -> silu, the erf form of GELU,
decomposed layer and RMS norms). Each match names the node that emits the fused op (the last one),
the nodes it absorbs, and the op to emit. Conv+BatchNormalization and Pad+Conv are folded by the
importer itself (importer.py), since they change how the conv is emitted rather than replace it."""

from .onnx_util import attributes, ints, short_float


class Match:
    def __init__(self, tail, absorbed, op_type, inputs, attrs=None):
        self.tail, self.absorbed, self.op_type, self.inputs, self.attrs = tail, absorbed, op_type, inputs, attrs or {}


def other_input(node, value):
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
    if m is None or g.nodes[m].op_type != "Mul" or other_input(g.nodes[m], node.output[0]) != x:
        return None
    return Match(m, [i], "silu" if node.op_type == "Sigmoid" else "hardswish", [x])


def near(value, target, tol=1e-3):
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
    if not (near(factor, 2 ** 0.5) if dn.op_type == "Div" else near(factor, 2 ** -0.5)):
        return None
    a = g.single_consumer(erf.output[0])
    if a is None or g.nodes[a].op_type != "Add" or not near(g.scalar(other_input(g.nodes[a], erf.output[0])), 1.0):
        return None
    m1 = g.single_consumer(g.nodes[a].output[0])
    if m1 is None or g.nodes[m1].op_type != "Mul":
        return None
    other = other_input(g.nodes[m1], g.nodes[a].output[0])
    if other == x:  # (x * (1 + erf)) * 0.5
        m2 = g.single_consumer(g.nodes[m1].output[0])
        if m2 is None or g.nodes[m2].op_type != "Mul" or not near(
                g.scalar(other_input(g.nodes[m2], g.nodes[m1].output[0])), 0.5):
            return None
        return Match(m2, [d, i, a, m1], "gelu", [x])
    if near(g.scalar(other), 0.5):  # x * ((1 + erf) * 0.5)
        m2 = g.single_consumer(g.nodes[m1].output[0])
        if m2 is None or g.nodes[m2].op_type != "Mul" or other_input(g.nodes[m2], g.nodes[m1].output[0]) != x:
            return None
        return Match(m2, [d, i, a, m1], "gelu", [x])
    h = g.produced_by(other, "Mul")  # (x * 0.5) * (1 + erf)
    if h is not None and g.single_consumer(other) == m1 and x in g.nodes[h].input and near(
            g.scalar(other_input(g.nodes[h], x)), 0.5):
        return Match(m1, [d, i, a, h], "gelu", [x])
    return None


def reduce_axes(g, i):
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
    axes = reduce_axes(g, r)
    add = g.single_consumer(g.nodes[r].output[0])
    if axes is None or add is None or g.nodes[add].op_type != "Add":
        return None
    eps = g.scalar(other_input(g.nodes[add], g.nodes[r].output[0]))
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
        if mul is None or g.nodes[mul].op_type != "Mul" or other_input(g.nodes[mul], g.nodes[nxt].output[0]) != x:
            return None
        tail = mul
        absorbed += [start, r, add, sq, nxt]
    else:
        return None
    scale = bias = None
    m = g.single_consumer(g.nodes[tail].output[0])
    if m is not None and g.nodes[m].op_type == "Mul":
        w = other_input(g.nodes[m], g.nodes[tail].output[0])
        if w in g.initializers or w in g.values:
            absorbed.append(tail)
            tail, scale = m, w
            b = g.single_consumer(g.nodes[tail].output[0])
            if b is not None and g.nodes[b].op_type == "Add":
                w = other_input(g.nodes[b], g.nodes[tail].output[0])
                if w in g.initializers or w in g.values:
                    absorbed.append(tail)
                    tail, bias = b, w
    return tail, eps, scale, bias, axes


def _trailing_axis(axes, rank):
    """The first of the reduced axes, counted from the end, when they are the last ones; else None. With
    the rank unknown (ONNX shape inference lost it) only axes already counted from the end qualify."""
    if rank:
        axes = [a % rank - rank for a in axes]
    axes = sorted(axes)
    return axes[0] if axes == list(range(-len(axes), 0)) else None


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
    pow_ = next((u for u in users if g.nodes[u].op_type == "Pow" and near(g.scalar(g.nodes[u].input[1]), 2.0)
                 or g.nodes[u].op_type == "Mul" and list(g.nodes[u].input) == [d, d]), None)
    if pow_ is None:
        return None
    absorbed = [r1, i]
    found = _norm_tail(g, pow_, d, absorbed)
    if found is None:
        return None
    tail, eps, scale, bias, axes = found
    axis = _trailing_axis(axes, len(shapes.get(x, [])))
    if axis is None or reduce_axes(g, r1) != axes or (bias and not scale):
        return None
    return Match(tail, absorbed, "layernorm", [x] + [w for w in (scale, bias) if w],
                 {"axis": axis, "epsilon": short_float(eps)})


def match_rmsnorm(g, i, shapes):
    """x / sqrt(mean(x^2) + eps) [* scale], the form LLaMA-style exports use."""
    node = g.nodes[i]
    x = node.input[0]
    if not (node.op_type == "Pow" and near(g.scalar(node.input[1]), 2.0)
            or node.op_type == "Mul" and list(node.input) == [x, x]):
        return None
    absorbed = []
    found = _norm_tail(g, i, x, absorbed)
    if found is None:
        return None
    tail, eps, scale, bias, axes = found
    axis = _trailing_axis(axes, len(shapes.get(x, [])))
    if axis is None or bias:
        return None
    return Match(tail, absorbed, "rmsnorm", [x] + ([scale] if scale else []),
                 {"axis": axis, "epsilon": short_float(eps)})


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
