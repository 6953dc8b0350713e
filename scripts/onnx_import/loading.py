"""Loading a model, fixing its input dims, ONNX shape inference, and the graph view the importer walks."""

import os

import numpy as np
import onnx
from onnx import numpy_helper, shape_inference

from .errors import ImportFailure, Unsupported
from .folding import FOLD_LIMIT, constant_node_value
from .onnx_util import attributes, ints


def load_model(path):
    """Reads the graph and the weights' shapes; external weight files are not needed."""
    if not os.path.isfile(path):
        raise ImportFailure("%s: no such file" % path)
    try:
        return onnx.load(path, load_external_data=False)
    except Exception as e:
        first = (str(e).strip().splitlines() or [type(e).__name__])[0]
        raise ImportFailure("%s: not a readable ONNX model (%s)" % (path, first))


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
        # Constant nodes, and Identity copies of constants (PyTorch shares equal initializers that way),
        # are known before the walk, so the pattern matchers can read their values.
        for node in self.nodes:
            if node.domain not in ("", "ai.onnx"):
                continue
            if node.op_type == "Constant":
                try:
                    self.values[node.output[0]] = constant_node_value(node, [], attributes(node))[0]
                except Unsupported:
                    pass
            elif node.op_type == "Identity" and node.input[0] in self.values:
                self.values[node.output[0]] = self.values[node.input[0]]

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
