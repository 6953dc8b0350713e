"""Op mappers for indexing and padding: Gather, Pad, Expand and Tile on activations.

Gather is three different things in an exported network:
  - an activation indexed by constants (ViT's class token x[:, 0], the q/k/v picks of a fused qkv
    projection): a `slice` (with `step` for an evenly spaced index list), then a reshape when the index
    was a scalar and the axis disappears;
  - a table of rows looked up by a computed index (a token embedding): `embedding`, the table a parameter;
  - constants on both sides (shape arithmetic, a relative-position bias table): folded before it gets here.
An index list that is neither a single index nor evenly spaced is a permutation of rows: `data_movement`.
"""

import numpy as np

import tracelib

from .errors import Unsupported
from .onnx_util import decoded, ints


def even_steps(idx):
    """(start, step) when the indices are start, start+step, ... with step >= 1, else None."""
    if idx.size == 1:
        return int(idx[0]), 1
    steps = np.diff(idx)
    if steps[0] >= 1 and np.all(steps == steps[0]):
        return int(idx[0]), int(steps[0])
    return None


class IndexingOps:
    """Mixin of the Importer: converters of Gather, Pad, Expand and Tile."""

    def reshaped_to(self, base, node, produced, want):
        """Ends a mapping with a reshape when the trace shape differs from the ONNX one (a dropped axis)."""
        if self.b.shape(produced) != (want or [1]):
            produced = self.emit("reshape", base + ".reshape", [produced], node.output[0], out_shape=want or [1])
        self.finish_node(node, produced)

    def convert_Gather(self, i, node, a):
        base, out = self.name(i), node.output[0]
        data, index = node.input[0], node.input[1]
        ds = self.shape(data)
        axis = int(a.get("axis", 0)) % len(ds)
        idx = self.const_value(index)
        index_shape = list(np.shape(idx)) if idx is not None else self.shape(index)
        want = ds[:axis] + index_shape + ds[axis + 1:]  # ONNX's rule
        if idx is not None and not self.is_const(data):
            flat = np.asarray(idx, dtype=np.int64).reshape(-1)
            flat = np.where(flat < 0, flat + ds[axis], flat)
            if flat.size == 0 or flat.min() < 0 or flat.max() >= ds[axis]:
                raise Unsupported("index out of range for axis %d of size %d" % (axis, ds[axis]))
            run = even_steps(flat)
            x = self.tensor(data)
            if run is None:
                return self.finish_node(node, self.emit("data_movement", base, [x], out, out_shape=want or [1]))
            start, step = run
            attrs = {"axis": axis, "start": start, "end": start + (flat.size - 1) * step + 1}
            if step != 1:
                attrs["step"] = step
            y = self.emit("slice", base, [x], self.fresh(out + ".slice"), attrs)
            return self.reshaped_to(base, node, y, want)
        if axis != 0 or len(ds) != 2:
            raise Unsupported("axis %d of a rank-%d table with a computed index (only rows of a 2-D table)"
                              % (axis, len(ds)))
        table = self.weight(data) if self.is_const(data) else self.tensor(data)
        y = self.emit("embedding", base, [self.tensor(index), table], self.fresh(out + ".rows"))
        self.reshaped_to(base, node, y, want)

    def convert_Pad(self, i, node, a):
        self.variant_Pad(node, a)
        xs = self.shape(node.input[0])
        pads = self.pad_amounts(node, a, len(xs))
        if pads is None:
            raise Unsupported("pads not constant")
        if not any(pads):
            return self.link(node.output[0], self.real(node.input[0]))
        if min(pads) < 0:
            raise Unsupported("negative pads (a crop)")
        value = self.g.scalar(node.input[2]) if len(node.input) > 2 and node.input[2] else a.get("value", 0.0)
        if value is None:
            raise Unsupported("pad value not constant")
        rank = len(xs)
        attrs = {"padding": [[pads[d], pads[d + rank]] for d in range(rank)], "value": float(value)}
        self.unary("pad", i, node, attrs)

    def variant_Pad(self, node, a):
        mode = decoded(a.get("mode", b"constant"))
        if mode != "constant":
            raise Unsupported("mode %s" % mode)

    def pad_amounts(self, node, a, rank):
        """The pads as [begin_0 .. begin_r-1, end_0 .. end_r-1] over all axes, or None if not constant."""
        if self.g.opset < 11:
            pads = ints(a.get("pads", []))
        else:
            v = self.const_value(node.input[1]) if len(node.input) > 1 and node.input[1] else None
            if v is None:
                return None
            pads = ints(v.reshape(-1))
        if len(node.input) > 3 and node.input[3]:  # opset 18: pads for the listed axes only
            axes_v = self.const_value(node.input[3])
            if axes_v is None:
                return None
            axes = [int(x) % rank for x in axes_v.reshape(-1)]
            full = [0] * (2 * rank)
            for k, ax in enumerate(axes):
                full[ax], full[ax + rank] = pads[k], pads[k + len(axes)]
            return full
        return pads

    def convert_Expand(self, i, node, a):
        """Broadcast to a shape. A constant broadcast over the batch (ViT's class token) stays a constant
        of the output shape; an activation that really grows is copied: data_movement."""
        xs, ys = self.shape(node.input[0]), self.shape(node.output[0])
        if tracelib.numel(xs) == tracelib.numel(ys):
            return self.shape_only("reshape", i, node, lambda: ys)
        self.finish_node(node, self.emit("data_movement", self.name(i), [self.tensor(node.input[0])],
                                         node.output[0], out_shape=ys))

    def convert_Tile(self, i, node, a):
        xs, ys = self.shape(node.input[0]), self.shape(node.output[0])
        if tracelib.numel(xs) == tracelib.numel(ys):
            return self.shape_only("reshape", i, node, lambda: ys)
        self.finish_node(node, self.emit("data_movement", self.name(i), [self.tensor(node.input[0])],
                                         node.output[0], out_shape=ys))
