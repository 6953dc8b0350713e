"""Trace emission: how ONNX values map onto trace tensors and ops.

ONNX does not say which initializers are trained parameters. A constant read where the format puts a
parameter (the weight or bias of a conv, conv_transpose or matmul, the scale and bias of a norm, and
what a BatchNormalization folds into) becomes a tensor of kind "weight"; every other constant (scalars,
masks, tables, shape-derived values) becomes kind "constant": it moves like a weight but is not counted
as a parameter.
"""

from .errors import Downstream, ImportFailure

WEIGHT = "weight"
CONSTANT = "constant"


class Emitter:
    """Names, tensors and ops of the trace being built from graph `g` into TraceBuilder `b`."""

    def __init__(self, g, builder):
        self.g = g
        self.shapes = g.shapes
        self.b = builder
        self.alias = {}  # ONNX value -> the trace tensor that stands for it
        self.opaque = set()  # values downstream of unsupported nodes
        self.op_names = set()

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

    def tensor(self, value, shape=None, kind=CONSTANT):
        """The trace tensor for an ONNX value, creating a tensor for a constant on first use: kind "weight"
        when it sits where a trained parameter goes (WEIGHT), "constant" otherwise. A constant that is
        later read as a parameter becomes a weight."""
        value = self.real(value)
        if value in self.b.tensors:
            t = self.b.tensors[value]
            if kind == WEIGHT and t.get("kind") == CONSTANT:
                t["kind"] = WEIGHT
            return value
        if not self.is_const(value):
            if value in self.opaque:
                raise Downstream()
            raise ImportFailure("value %r is used before it is produced" % value)
        shape = shape or self.shape(value) or [1]  # a scalar constant is stored as [1]; broadcasting agrees
        return self.b.tensor(value, shape, kind)

    def weight(self, value, shape=None):
        """The trace tensor for a constant in a parameter slot (conv/matmul weight or bias, norm scale)."""
        return self.tensor(value, shape, WEIGHT)

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

    def name(self, i):
        return self.g.node_name(i)

    def finish_node(self, node, produced):
        self.link(node.output[0], produced)
        self.expect(node.output[0], produced)
