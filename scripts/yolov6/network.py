"""Assembles a deployed YOLOv6 network from its ModelSpec: backbone, neck and head."""

from . import head_dist, head_obj
from .blocks import Blocks
from .spec import scaled_channels, scaled_repeats


def backbone(blk, spec, x, c, r):
    """EfficientRep (stage "rep") or CSPBepBackbone (stage "csp"). Returns P2..P5 (strides 4..32)."""
    x = blk.basic("backbone.stem", x, c[0], 2)
    outs = []
    for i in range(1, 5):
        name = "backbone.ERBlock_%d" % (i + 1)
        x = blk.basic(name + ".0", x, c[i], 2)
        x = blk.stage(spec, name + ".1", x, c[i], r[i])
        if i == 4:
            x = blk.channel_merge(spec, name + ".2", x, c[i])
        outs.append(x)
    return outs


def rep_pan(blk, spec, p3, p4, p5, c, r):
    """Rep-PAN (0.1.0, 2.0): top-down with Transpose upsampling and concat, then bottom-up."""
    f0 = blk.sim_conv("neck.reduce_layer0", p5, c[5], 1)
    up0 = blk.transpose_up("neck.upsample0", f0, c[5])
    x = blk.stage(spec, "neck.Rep_p4", blk.concat("neck.upsample0.concat", [up0, p4]), c[5], r[5])
    f1 = blk.sim_conv("neck.reduce_layer1", x, c[6], 1)
    up1 = blk.transpose_up("neck.upsample1", f1, c[6])
    n3 = blk.stage(spec, "neck.Rep_p3", blk.concat("neck.upsample1.concat", [up1, p3]), c[6], r[6])
    return n3, f1, f0


def rep_bifpan(blk, spec, p2, p3, p4, p5, c, r):
    """Rep-BiFPAN (3.0): top-down through BiFusion, which also takes the next finer map (P3, P2)."""
    f0 = blk.sim_conv("neck.reduce_layer0", p5, c[5], 1)
    x = blk.stage(spec, "neck.Rep_p4", blk.bifusion("neck.Bifusion0", f0, p4, p3, c[5]), c[5], r[5])
    f1 = blk.sim_conv("neck.reduce_layer1", x, c[6], 1)
    n3 = blk.stage(spec, "neck.Rep_p3", blk.bifusion("neck.Bifusion1", f1, p3, p2, c[6]), c[6], r[6])
    return n3, f1, f0


def bottom_up(blk, spec, n3, f1, f0, c, r):
    d2 = blk.sim_conv("neck.downsample2", n3, c[7], 3, 2)
    n4 = blk.stage(spec, "neck.Rep_n3", blk.concat("neck.downsample2.concat", [d2, f1]), c[8], r[7])
    d1 = blk.sim_conv("neck.downsample1", n4, c[9], 3, 2)
    n5 = blk.stage(spec, "neck.Rep_n4", blk.concat("neck.downsample1.concat", [d1, f0]), c[10], r[8])
    return [n3, n4, n5]


def build(builder, spec, img, batch):
    c, r = scaled_channels(spec.width), scaled_repeats(spec.depth)
    blk = Blocks(builder, spec.block)
    x = builder.input("images", [batch, 3, img, img])
    p2, p3, p4, p5 = backbone(blk, spec, x, c, r)
    if spec.neck == "repbifpan":
        top = rep_bifpan(blk, spec, p2, p3, p4, p5, c, r)
    else:
        top = rep_pan(blk, spec, p3, p4, p5, c, r)
    levels = bottom_up(blk, spec, *top, c, r)
    if spec.head == "obj":
        head_obj.head(blk, levels)
    else:
        head_dist.head(blk, levels, spec.reg_max)
