#!/usr/bin/env python3
"""Writes the deployed YOLOv6 detector of the first public release (tag 0.1.0) as a Tessera workload trace.

"Deployed" means after RepVGG re-parameterisation: every RepVGG block is one 3x3 conv with bias plus
ReLU, and BatchNorms are folded into conv biases. See docs/workloads.md for the layer layout and the
naming of ops and tensors.

    gen_yolov6.py --model n|tiny|s [--img 640] [--batch 1] -o traces/yolov6n_640.json
"""

import argparse
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tracelib  # noqa: E402

# (depth_multiple, width_multiple) of each released size.
MODELS = {"n": (0.33, 0.25), "tiny": (0.25, 0.50), "s": (0.33, 0.50)}
BACKBONE_CHANNELS = [64, 128, 256, 512, 1024]
NECK_CHANNELS = [256, 128, 128, 256, 256, 512]
BACKBONE_REPEATS = [1, 6, 12, 18, 6]
NECK_REPEATS = [12, 12, 12, 12]
NUM_CLASSES = 80
STRIDES = [8, 16, 32]


def scaled_repeats(depth):
    # Python's round (half to even) is what the release used: 4.5 -> 4.
    return [max(round(r * depth), 1) if r > 1 else r for r in BACKBONE_REPEATS + NECK_REPEATS]


def scaled_channels(width):
    return [math.ceil(c * width / 8) * 8 for c in BACKBONE_CHANNELS + NECK_CHANNELS]


class YoloV6Trace:
    """Emits the layers of the network into a TraceBuilder, one method per building block."""

    def __init__(self, builder):
        self.b = builder

    def conv(self, prefix, x, out_ch, kernel, stride=1, act=None):
        in_ch = self.b.shape(x)[1]
        w = self.b.weight(prefix + ".weight", [out_ch, in_ch, kernel, kernel])
        bias = self.b.weight(prefix + ".bias", [out_ch])
        pad = kernel // 2
        y = self.b.op("conv2d", prefix + ".conv", [x, w, bias],
                      {"kernel": [kernel, kernel], "stride": [stride, stride], "padding": [pad, pad],
                       "dilation": [1, 1], "groups": 1})
        if act:
            y = self.b.op(act, "%s.%s" % (prefix, act), [y])
        return y

    def repvgg(self, prefix, x, out_ch, stride=1):
        return self.conv(prefix, x, out_ch, 3, stride, "relu")

    def rep_block(self, prefix, x, out_ch, n):
        y = self.repvgg(prefix + ".conv1", x, out_ch)
        for i in range(n - 1):
            y = self.repvgg("%s.block.%d" % (prefix, i), y, out_ch)
        return y

    def sim_conv(self, prefix, x, out_ch, kernel, stride=1):
        return self.conv(prefix, x, out_ch, kernel, stride, "relu")

    def sim_sppf(self, prefix, x, out_ch):
        hidden = self.b.shape(x)[1] // 2
        y = self.sim_conv(prefix + ".cv1", x, hidden, 1)
        pools = [y]
        for i in range(3):
            pools.append(self.b.op("maxpool2d", "%s.m.%d" % (prefix, i), [pools[-1]],
                                   {"kernel": [5, 5], "stride": [1, 1], "padding": [2, 2], "ceil_mode": False}))
        cat = self.b.op("concat", prefix + ".concat", pools, {"axis": 1})
        return self.sim_conv(prefix + ".cv2", cat, out_ch, 1)

    def transpose_up(self, prefix, x, out_ch):
        in_ch = self.b.shape(x)[1]
        w = self.b.weight(prefix + ".weight", [in_ch, out_ch, 2, 2])
        bias = self.b.weight(prefix + ".bias", [out_ch])
        return self.b.op("conv_transpose2d", prefix + ".conv_transpose", [x, w, bias],
                         {"kernel": [2, 2], "stride": [2, 2], "padding": [0, 0], "output_padding": [0, 0],
                          "dilation": [1, 1], "groups": 1})

    def backbone(self, x, c, r):
        x = self.repvgg("backbone.stem", x, c[0], 2)
        outs = []
        for i in range(1, 5):
            name = "backbone.ERBlock_%d" % (i + 1)
            x = self.repvgg(name + ".0", x, c[i], 2)
            x = self.rep_block(name + ".1", x, c[i], r[i])
            if i == 4:
                x = self.sim_sppf(name + ".2", x, c[i])
            outs.append(x)
        return outs[1:]  # P3, P4, P5

    def neck(self, p3, p4, p5, c, r):
        f0 = self.sim_conv("neck.reduce_layer0", p5, c[5], 1)
        up0 = self.transpose_up("neck.upsample0", f0, c[5])
        cat0 = self.b.op("concat", "neck.upsample0.concat", [up0, p4], {"axis": 1})
        x = self.rep_block("neck.Rep_p4", cat0, c[5], r[5])
        f1 = self.sim_conv("neck.reduce_layer1", x, c[6], 1)
        up1 = self.transpose_up("neck.upsample1", f1, c[6])
        cat1 = self.b.op("concat", "neck.upsample1.concat", [up1, p3], {"axis": 1})
        n3 = self.rep_block("neck.Rep_p3", cat1, c[6], r[6])
        d2 = self.sim_conv("neck.downsample2", n3, c[7], 3, 2)
        cat2 = self.b.op("concat", "neck.downsample2.concat", [d2, f1], {"axis": 1})
        n4 = self.rep_block("neck.Rep_n3", cat2, c[8], r[7])
        d1 = self.sim_conv("neck.downsample1", n4, c[9], 3, 2)
        cat3 = self.b.op("concat", "neck.downsample1.concat", [d1, f0], {"axis": 1})
        n5 = self.rep_block("neck.Rep_n4", cat3, c[10], r[8])
        return [n3, n4, n5]

    def head_level(self, i, x):
        ch = self.b.shape(x)[1]
        stem = self.conv("detect.stems.%d" % i, x, ch, 1, act="silu")
        cls_feat = self.conv("detect.cls_convs.%d" % i, stem, ch, 3, act="silu")
        reg_feat = self.conv("detect.reg_convs.%d" % i, stem, ch, 3, act="silu")
        cls = self.conv("detect.cls_preds.%d" % i, cls_feat, NUM_CLASSES, 1)
        reg = self.conv("detect.reg_preds.%d" % i, reg_feat, 4, 1)
        obj = self.conv("detect.obj_preds.%d" % i, reg_feat, 1, 1)
        return self.decode(i, reg, obj, cls)

    def decode(self, i, reg, obj, cls):
        """Inference-time output of one level: (N, H*W, 85) rows of [x, y, w, h, obj, 80 classes]."""
        p = "detect.decode.%d" % i
        b = self.b
        n, _, h, w = b.shape(reg)
        obj = b.op("sigmoid", p + ".obj_sigmoid", [obj])
        cls = b.op("sigmoid", p + ".cls_sigmoid", [cls])
        y = b.op("concat", p + ".concat", [reg, obj, cls], {"axis": 1})
        no = b.shape(y)[1]
        y = b.op("reshape", p + ".reshape", [y], out_shapes=[[n, no, h * w]])
        y = b.op("transpose", p + ".transpose", [y], {"perm": [0, 2, 1]})
        # Box centres: (xy + grid) * stride; sizes: exp(wh) * stride. Grid and stride are constants.
        grid = b.constant(p + ".grid", [1, h * w, 2])
        stride = b.constant(p + ".stride", [1])
        xy = b.op("slice", p + ".xy", [y], {"axis": -1, "start": 0, "end": 2})
        xy = b.op("add", p + ".xy_add_grid", [xy, grid])
        xy = b.op("mul", p + ".xy_mul_stride", [xy, stride])
        wh = b.op("slice", p + ".wh", [y], {"axis": -1, "start": 2, "end": 4})
        wh = b.op("exp", p + ".wh_exp", [wh])
        wh = b.op("mul", p + ".wh_mul_stride", [wh, stride])
        scores = b.op("slice", p + ".scores", [y], {"axis": -1, "start": 4, "end": no})
        return b.op("concat", p + ".boxes", [xy, wh, scores], {"axis": -1})

    def build(self, model, img, batch):
        depth, width = MODELS[model]
        c, r = scaled_channels(width), scaled_repeats(depth)
        x = self.b.input("images", [batch, 3, img, img])
        p3, p4, p5 = self.backbone(x, c, r)
        levels = self.neck(p3, p4, p5, c, r)
        outs = [self.head_level(i, lv) for i, lv in enumerate(levels)]
        self.b.op("concat", "detect.output", outs, {"axis": 1})


def default_name(model, img):
    return "yolov6%s_%d" % (model if model != "tiny" else "_tiny", img)


def build_trace(model, img, batch, name=None):
    label = {"n": "YOLOv6-n", "tiny": "YOLOv6-tiny", "s": "YOLOv6-s"}[model]
    b = tracelib.TraceBuilder(name or default_name(model, img),
                              "%s (tag 0.1.0, deployed), %dx%d, batch %d" % (label, img, img, batch))
    YoloV6Trace(b).build(model, img, batch)
    trace = b.to_dict()
    macs, per_type = tracelib.trace_macs(trace)
    params = tracelib.trace_params(trace)
    depth, width = MODELS[model]
    b.metadata = {
        "generator": "scripts/gen_yolov6.py",
        "source": "YOLOv6 tag 0.1.0 (Meituan, 2022-06-23), deployed network",
        "model": model, "img": img, "batch": batch,
        "depth_multiple": depth, "width_multiple": width,
        "channels": scaled_channels(width), "repeats": scaled_repeats(depth),
        "macs": macs, "params": params,
        "conv2d": sum(1 for op in trace["ops"] if op["type"] == "conv2d"),
        "conv_transpose2d": sum(1 for op in trace["ops"] if op["type"] == "conv_transpose2d"),
    }
    return b


def parse_args(argv):
    ap = argparse.ArgumentParser(description="Write a YOLOv6 (tag 0.1.0, deployed) workload trace.")
    ap.add_argument("--model", required=True, choices=sorted(MODELS))
    ap.add_argument("--img", type=int, default=640, help="square input size, a multiple of 32 (default 640)")
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--name", help="trace name (default yolov6<model>_<img>)")
    ap.add_argument("-o", "--output", required=True, help="trace file to write")
    args = ap.parse_args(argv)
    if args.img <= 0 or args.img % 32:
        ap.error("--img must be a positive multiple of 32 (every stride of the network divides 32)")
    if args.batch <= 0:
        ap.error("--batch must be positive")
    return args


def main(argv=None):
    args = parse_args(argv)
    build_trace(args.model, args.img, args.batch, args.name).write(args.output, "gen_yolov6.py")
    return 0


if __name__ == "__main__":
    sys.exit(main())
