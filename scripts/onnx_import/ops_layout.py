"""Op mappers for layout ops: Resize/Upsample, Concat, Reshape, Squeeze, Unsqueeze, Flatten, Transpose,
Slice and Split."""

import numpy as np

import tracelib

from .errors import ImportFailure, Unsupported
from .onnx_util import attributes, decoded, ints


class LayoutOps:
    """Mixin of the Importer: converters of shape, layout and slicing ops."""

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
        """Chains one slice op per axis that is actually cut; ranges are (axis, start, end, step, size)."""
        cuts = [(axis, s, e, st) for axis, s, e, st, size in ranges if (s, e, st) != (0, size, 1)]
        if not cuts:
            return x
        for n, (axis, s, e, st) in enumerate(cuts):
            last = n == len(cuts) - 1
            attrs = {"axis": axis, "start": s, "end": e}
            if st != 1:
                attrs["step"] = st
            x = self.emit("slice", base if last else "%s.axis%d" % (base, axis), [x],
                          out_value if last else self.fresh("%s.axis%d" % (out_value, axis)), attrs)
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
        steps = steps or [1] * len(starts)
        if any(s < 1 for s in steps):
            raise Unsupported("negative step (a reversal)")
        ranges = []
        for s, e, ax, st in zip(starts, ends, axes, steps):
            size = xs[ax]
            s = min(max(s + size if s < 0 else s, 0), size)
            e = min(max(e + size if e < 0 else e, 0), size)
            if st > 1 and e > s:  # the trace's end is exclusive too; keep it just past the last element taken
                e = s + (e - s - 1) // st * st + 1
            ranges.append((ax, s, max(s, e), st, size))
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
