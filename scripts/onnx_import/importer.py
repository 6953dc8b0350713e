"""The importer: walks the ONNX graph in order, folds constants, emits fused patterns, and maps every
other node with the converters of ops_*.py. Unsupported nodes are collected and reported together."""

import os

import numpy as np

import tracelib

from .emitter import Emitter
from .errors import Downstream, ImportFailure, Unsupported
from .folding import ALIASES, FOLD_LIMIT, FOLDERS
from .loading import Graph, load_model, run_shape_inference
from .onnx_util import attributes, decoded, ints
from .ops_conv import ConvOps
from .ops_elementwise import ElementwiseOps
from .ops_indexing import IndexingOps
from .ops_layout import LayoutOps
from .ops_matmul import MatmulOps
from .patterns import find_patterns


class Importer(Emitter, ConvOps, MatmulOps, ElementwiseOps, LayoutOps, IndexingOps):
    def __init__(self, model, batch, dims, name, source):
        shapes = run_shape_inference(model, batch, dims)
        g = Graph(model, dims)
        g.shapes.update(shapes)
        super().__init__(g, tracelib.TraceBuilder(name, "imported from %s (opset %d)" % (source, g.opset)))
        self.batch = batch
        self.source = source
        self.unsupported = {}
        self.folded = 0
        self.bn_fold = {}  # BatchNormalization node -> the Conv node it folds into
        self.pad_fold = {}  # Conv node -> (input before the Pad, extra pads)

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
                count, details, first = self.unsupported.get(key, (0, set(), self.g.node_name(i)))
                if u.detail:
                    details.add(u.detail)
                self.unsupported[key] = (count + 1, details, first)
                self.opaque.update(o for o in node.output if o)
        if self.unsupported:
            parts = []
            for key in sorted(self.unsupported):
                count, details, first = self.unsupported[key]
                parts.append("%s x%d (%sfirst at node %s)" % (key, count, "".join(d + "; " for d in sorted(details)),
                                                             first))
            total = sum(c for c, _, _ in self.unsupported.values())
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
            # parameters (constants in weight slots) and the other constants the ops read
            "weight_elements": tracelib.trace_params(trace), "constant_elements": tracelib.trace_constants(trace),
        }

    def emit_match(self, i, m):
        node = self.g.nodes[i]
        out = node.output[0]
        # a fused norm's scale and bias are parameters; the other fused ops read only x
        ins = [self.tensor(m.inputs[0])] + [self.weight(x) for x in m.inputs[1:]]
        produced = self.emit(m.op_type, self.g.node_name(i), ins, out, m.attrs)
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


def import_model(path, batch, dims, name):
    """Reads an ONNX file and returns the TraceBuilder of its trace, checked against the format's rules.
    Raises ImportFailure (or tracelib.ShapeError) when the model cannot become a valid trace."""
    builder = Importer(load_model(path), batch, dims, name, os.path.basename(path)).run()
    problems = tracelib.check_trace(builder.to_dict())
    if problems:
        raise ImportFailure("the imported graph breaks the trace rules: %s" % "; ".join(problems[:5]))
    return builder
