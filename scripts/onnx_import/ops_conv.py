"""Op mappers for convolutions and pooling: Conv (2-D, and 1-D as 2-D), ConvTranspose,
BatchNormalization (folded into a conv or standalone), MaxPool, AveragePool, GlobalAveragePool and
ReduceMean over H and W."""

from .errors import Unsupported
from .onnx_util import attributes, decoded, ints, same_pads
from .patterns import reduce_axes


class ConvOps:
    """Mixin of the Importer: converters of the conv and pooling family."""

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
        ins = [x, self.weight(node.input[1])]
        bias = bias_override or (node.input[2] if len(node.input) > 2 and node.input[2] else None)
        if bias:
            ins.append(self.weight(bias, [ws[0]]))
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
            ins.append(self.weight(bias, [ws[0]]))
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
        ins = [self.tensor(node.input[0]), self.weight(node.input[1])]
        if len(node.input) > 2 and node.input[2]:
            ins.append(self.weight(node.input[2]))
        self.finish_node(node, self.emit("conv_transpose2d", self.name(i), ins, node.output[0], attrs))

    def convert_GlobalAveragePool(self, i, node, a):
        if len(self.shape(node.input[0])) != 4:
            raise Unsupported("not 2-D")
        self.unary("global_avgpool", i, node)

    def convert_ReduceMean(self, i, node, a):
        xs = self.shape(node.input[0])
        axes = reduce_axes(self.g, i)
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
