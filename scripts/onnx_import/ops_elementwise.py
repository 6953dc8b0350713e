"""Op mappers for element-wise and row-wise ops: Add/Sub/Mul/Div, the activations, Clip as ReLU or ReLU6,
Softmax and LayerNormalization."""

import numpy as np

from .emitter import CONSTANT, WEIGHT
from .errors import Unsupported
from .onnx_util import decoded, short_float


class ElementwiseOps:
    """Mixin of the Importer: converters of element-wise ops, softmax and layer norm."""

    def binary(self, op_type, i, node):
        ins = [self.tensor(x, kind=WEIGHT if op_type == "add" and self.is_linear_bias(node, x) else CONSTANT)
               for x in node.input[:2]]
        self.finish_node(node, self.emit(op_type, self.name(i), ins, node.output[0]))

    def is_linear_bias(self, node, value):
        """A 1-D constant added to a MatMul's output along its last axis: the bias of a linear layer
        (how nn.Linear exports on inputs of rank 3 and more), so a parameter."""
        other = [x for x in node.input[:2] if x != value]
        if len(other) != 1 or not self.is_const(value) or self.g.produced_by(other[0], "MatMul") is None:
            return False
        shape, out = self.shape(value), self.shape(other[0])  # the trace's shape: ONNX may not know it
        return len(shape) == 1 and bool(out) and shape[0] == out[-1]

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
        if decoded(a.get("approximate", b"none")) != "none":
            raise Unsupported("approximate=tanh")  # the trace's gelu is the exact (erf) form
        self.unary("gelu", i, node)

    def convert_Erf(self, i, node, a):  # an erf outside the GELU pattern
        self.unary("erf", i, node)

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
        ins = [self.tensor(node.input[0])] + [self.weight(x) for x in node.input[1:] if x]
        attrs = {"axis": int(a.get("axis", -1)), "epsilon": short_float(a.get("epsilon", 1e-5))}
        self.finish_node(node, self.emit("layernorm", self.name(i), ins, node.output[0], attrs))
