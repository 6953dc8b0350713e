"""Constant folding: numpy versions of the ops that shape arithmetic uses, so Shape/Gather/Concat/...
chains on known values are computed and vanish from the trace."""

import numpy as np
import onnx
from onnx import numpy_helper

from .errors import Unsupported
from .onnx_util import ints

FOLD_LIMIT = 1 << 20  # constants larger than this are kept as tensors instead of being computed


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


def constant_node_value(node, args, attrs):
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


def _np_dtype(onnx_type):
    # onnx.helper.tensor_dtype_to_np_dtype arrived in onnx 1.13; Debian's 1.12 has only the mapping table
    if hasattr(onnx.helper, "tensor_dtype_to_np_dtype"):
        return onnx.helper.tensor_dtype_to_np_dtype(onnx_type)
    return onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[onnx_type]


def _cast(node, args, attrs):
    return [args[0].astype(_np_dtype(attrs["to"]))]


def _split(node, args, attrs):
    x, axis = args[0], attrs.get("axis", 0)
    sizes = ints(args[1]) if len(args) > 1 and args[1] is not None else ints(attrs.get("split", []))
    if not sizes:
        parts = attrs.get("num_outputs", len(node.output))
        step = -(-x.shape[axis] // parts)
        sizes = [min(step, x.shape[axis] - i * step) for i in range(parts)]
    return np.split(x, np.cumsum(sizes)[:-1], axis=axis)


def _scatter_nd(node, args, attrs):
    if attrs.get("reduction", b"none") not in (b"none", "none"):
        raise Unsupported("ScatterND with a reduction")
    out, idx, upd = np.array(args[0]), args[1], args[2]
    k = idx.shape[-1]
    for pos, row in zip(idx.reshape(-1, k), upd.reshape((-1,) + out.shape[k:])):
        out[tuple(int(v) for v in pos)] = row
    return [out]


FOLDERS = {
    "Identity": lambda n, a, t: [a[0]],
    "Cast": _cast,
    "Constant": constant_node_value,
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
    "ScatterND": _scatter_nd,
    "ReduceProd": _reduce(np.prod),
    "ReduceSum": _reduce(np.sum),
    "ReduceMin": _reduce(np.min),
    "ReduceMax": _reduce(np.max),
}

# Ops whose output is a plain copy of the input in an inference graph.
ALIASES = {"Identity", "Dropout", "Cast", "CastLike"}
