"""Small helpers for reading ONNX nodes and their attributes."""

import onnx


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


def short_float(value):
    """A float32 attribute as the decimal it was written as (1e-05, not 9.99999974e-06)."""
    return float("%.7g" % value)
