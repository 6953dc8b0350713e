"""The head of releases 2.0 and 3.0: anchor-free, no objectness branch. Per level a 1x1 stem, 3x3 cls
and reg convs, cls (80) and reg predictions. The reg prediction is 4 distances (left, top, right,
bottom) to the cell's anchor point, or with DFL (reg_max 16) a 17-bin distribution per distance whose
expectation a fixed 1x1 conv (proj_conv, weights 0..16) takes. The inference output is
(N, cells, 85): [cx, cy, w, h] in pixels, a constant 1 where 0.1.0 had objectness, 80 class scores."""

from .spec import NUM_CLASSES


def head_level(blocks, i, x, reg_max, proj):
    b = blocks.b
    ch = b.shape(x)[1]
    stem = blocks.silu_conv("detect.stems.%d" % i, x, ch, 1)
    cls_feat = blocks.silu_conv("detect.cls_convs.%d" % i, stem, ch, 3)
    reg_feat = blocks.silu_conv("detect.reg_convs.%d" % i, stem, ch, 3)
    cls = blocks.conv("detect.cls_preds.%d" % i, cls_feat, NUM_CLASSES, 1)
    reg = blocks.conv("detect.reg_preds.%d" % i, reg_feat, 4 * (reg_max + 1), 1)
    n, _, h, w = b.shape(reg)
    p = "detect.decode.%d" % i
    if reg_max:
        bins = reg_max + 1
        reg = b.op("reshape", p + ".dfl_reshape", [reg], out_shapes=[[n, 4, bins, h * w]])
        reg = b.op("transpose", p + ".dfl_transpose", [reg], {"perm": [0, 2, 1, 3]})
        reg = b.op("softmax", p + ".dfl_softmax", [reg], {"axis": 1})
        reg = b.op("conv2d", p + ".proj_conv", [reg, proj],
                   {"kernel": [1, 1], "stride": [1, 1], "padding": [0, 0], "dilation": [1, 1], "groups": 1})
    cls = b.op("sigmoid", p + ".cls_sigmoid", [cls])
    cls = b.op("reshape", p + ".cls_reshape", [cls], out_shapes=[[n, NUM_CLASSES, h * w]])
    reg = b.op("reshape", p + ".reg_reshape", [reg], out_shapes=[[n, 4, h * w]])
    return cls, reg


def head(blocks, levels, reg_max):
    b = blocks.b
    # DFL's projection is fixed (not trained): a constant, shared by the three levels.
    proj = b.constant("detect.proj_conv.weight", [1, reg_max + 1, 1, 1]) if reg_max else None
    outs = [head_level(blocks, i, lv, reg_max, proj) for i, lv in enumerate(levels)]
    cls = b.op("concat", "detect.cls_concat", [c for c, _ in outs], {"axis": -1})
    cls = b.op("transpose", "detect.cls_transpose", [cls], {"perm": [0, 2, 1]})
    reg = b.op("concat", "detect.reg_concat", [r for _, r in outs], {"axis": -1})
    reg = b.op("transpose", "detect.reg_transpose", [reg], {"perm": [0, 2, 1]})
    n, cells, _ = b.shape(reg)
    # dist2bbox: x1y1 = anchor - lt, x2y2 = anchor + rb, centre = (x1y1 + x2y2) / 2, size = x2y2 - x1y1,
    # all times the level's stride. Anchor points (cell centres), strides and the 2 are fixed data.
    anchors = b.constant("detect.anchor_points", [1, cells, 2])
    strides = b.constant("detect.stride_tensor", [1, cells, 1])
    two = b.constant("detect.two", [1])
    lt = b.op("slice", "detect.lt", [reg], {"axis": -1, "start": 0, "end": 2})
    rb = b.op("slice", "detect.rb", [reg], {"axis": -1, "start": 2, "end": 4})
    x1y1 = b.op("sub", "detect.x1y1", [anchors, lt])
    x2y2 = b.op("add", "detect.x2y2", [anchors, rb])
    centre = b.op("add", "detect.xy_sum", [x1y1, x2y2])
    centre = b.op("div", "detect.c_xy", [centre, two])
    wh = b.op("sub", "detect.wh", [x2y2, x1y1])
    box = b.op("concat", "detect.bbox", [centre, wh], {"axis": -1})
    box = b.op("mul", "detect.bbox_mul_stride", [box, strides])
    ones = b.constant("detect.ones", [n, cells, 1])
    b.op("concat", "detect.output", [box, ones, cls], {"axis": -1})
