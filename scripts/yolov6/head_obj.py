"""The head of tag 0.1.0: per level a 1x1 stem, 3x3 cls and reg convs, cls (80), reg (4) and obj (1)
predictions; the inference output decodes boxes as (xy + grid) * stride and exp(wh) * stride."""

from .spec import NUM_CLASSES


def head_level(blocks, i, x):
    ch = blocks.b.shape(x)[1]
    stem = blocks.conv("detect.stems.%d" % i, x, ch, 1, act="silu")
    cls_feat = blocks.conv("detect.cls_convs.%d" % i, stem, ch, 3, act="silu")
    reg_feat = blocks.conv("detect.reg_convs.%d" % i, stem, ch, 3, act="silu")
    cls = blocks.conv("detect.cls_preds.%d" % i, cls_feat, NUM_CLASSES, 1)
    reg = blocks.conv("detect.reg_preds.%d" % i, reg_feat, 4, 1)
    obj = blocks.conv("detect.obj_preds.%d" % i, reg_feat, 1, 1)
    return decode(blocks.b, i, reg, obj, cls)


def decode(b, i, reg, obj, cls):
    """Inference-time output of one level: (N, H*W, 85) rows of [x, y, w, h, obj, 80 classes]."""
    p = "detect.decode.%d" % i
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


def head(blocks, levels):
    outs = [head_level(blocks, i, lv) for i, lv in enumerate(levels)]
    blocks.b.op("concat", "detect.output", outs, {"axis": 1})
