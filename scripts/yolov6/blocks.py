"""The deployed building blocks of YOLOv6, emitted into a tracelib.TraceBuilder.

Deployed means: RepVGG blocks re-parameterised into one 3x3 conv with bias, and every BatchNorm folded
into the bias of the conv before it. So each conv here has a bias, and each activation is its own op.
Op and tensor names follow the module paths of the released code (docs/workloads.md).
"""

POOL5 = {"kernel": [5, 5], "stride": [1, 1], "padding": [2, 2], "ceil_mode": False}


class Blocks:
    def __init__(self, builder, block="repvgg"):
        self.b = builder
        # The basic 3x3 block of the backbone and of the CSP stages, and its activation.
        self.block_act = {"repvgg": "relu", "conv_silu": "silu"}[block]

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

    def concat(self, name, xs):
        return self.b.op("concat", name, xs, {"axis": 1})

    # -- plain blocks -------------------------------------------------------------------------------

    def basic(self, prefix, x, out_ch, stride=1):
        """The model's 3x3 block: a deployed RepVGG block (ReLU) or, in the L models, conv + SiLU."""
        return self.conv(prefix, x, out_ch, 3, stride, self.block_act)

    def sim_conv(self, prefix, x, out_ch, kernel, stride=1):
        """SimConv (and the 1x1 Conv_C3 of BepC3 outside the L models): conv + ReLU."""
        return self.conv(prefix, x, out_ch, kernel, stride, "relu")

    def silu_conv(self, prefix, x, out_ch, kernel, stride=1):
        """Conv: conv + SiLU (head convs, SPPF and CSPSPPF of the L models)."""
        return self.conv(prefix, x, out_ch, kernel, stride, "silu")

    def transpose_up(self, prefix, x, out_ch):
        """Transpose: 2x2 stride-2 ConvTranspose with bias, no activation."""
        in_ch = self.b.shape(x)[1]
        w = self.b.weight(prefix + ".weight", [in_ch, out_ch, 2, 2])
        bias = self.b.weight(prefix + ".bias", [out_ch])
        return self.b.op("conv_transpose2d", prefix + ".conv_transpose", [x, w, bias],
                         {"kernel": [2, 2], "stride": [2, 2], "padding": [0, 0], "output_padding": [0, 0],
                          "dilation": [1, 1], "groups": 1})

    # -- stages -------------------------------------------------------------------------------------

    def rep_block(self, prefix, x, out_ch, n):
        """RepBlock: n basic blocks, the first in -> out."""
        y = self.basic(prefix + ".conv1", x, out_ch)
        for i in range(n - 1):
            y = self.basic("%s.block.%d" % (prefix, i), y, out_ch)
        return y

    def bottle_rep(self, prefix, x, out_ch):
        """BottleRep: two basic blocks, plus alpha * x when the shape allows (alpha: one trained scalar)."""
        y = self.basic(prefix + ".conv1", x, out_ch)
        y = self.basic(prefix + ".conv2", y, out_ch)
        if self.b.shape(x)[1] != out_ch:
            return y
        alpha = self.b.weight(prefix + ".alpha", [1])
        skip = self.b.op("mul", prefix + ".alpha_mul", [x, alpha])
        return self.b.op("add", prefix + ".add", [y, skip])

    def bep_c3(self, prefix, x, out_ch, n, e):
        """BepC3: 1x1 cv1 -> RepBlock of n // 2 BottleReps, 1x1 cv2 beside it, concat, 1x1 cv3."""
        hidden = int(out_ch * e)
        conv1x1 = self.sim_conv if self.block_act == "relu" else self.silu_conv
        y = conv1x1(prefix + ".cv1", x, hidden, 1)
        y = self.bottle_rep(prefix + ".m.conv1", y, hidden)
        for i in range(n // 2 - 1):
            y = self.bottle_rep("%s.m.block.%d" % (prefix, i), y, hidden)
        side = conv1x1(prefix + ".cv2", x, hidden, 1)
        return conv1x1(prefix + ".cv3", self.concat(prefix + ".concat", [y, side]), out_ch, 1)

    def stage(self, spec, prefix, x, out_ch, n):
        if spec.stage == "csp":
            return self.bep_c3(prefix, x, out_ch, n, spec.csp_e)
        return self.rep_block(prefix, x, out_ch, n)

    # -- pooling blocks -----------------------------------------------------------------------------

    def _pools(self, prefix, x):
        pools = [x]
        for i in range(3):
            pools.append(self.b.op("maxpool2d", "%s.m.%d" % (prefix, i), [pools[-1]], dict(POOL5)))
        return self.concat(prefix + ".concat", pools)

    def sppf(self, prefix, x, out_ch, conv):
        """SimSPPF (conv = sim_conv) or SPPF (conv = silu_conv): 1x1 to in/2, three chained 5x5 max
        pools, concat of the four, 1x1 to out."""
        y = conv(prefix + ".cv1", x, self.b.shape(x)[1] // 2, 1)
        return conv(prefix + ".cv2", self._pools(prefix, y), out_ch, 1)

    def csp_sppf(self, prefix, x, out_ch, conv, e=0.5):
        """SimCSPSPPF / CSPSPPF: cv1 (1x1), cv3 (3x3), cv4 (1x1), the pools, cv5 (1x1), cv6 (3x3) on
        one side, cv2 (1x1) on the other, concat, cv7 (1x1)."""
        hidden = int(out_ch * e)
        y = conv(prefix + ".cv1", x, hidden, 1)
        y = conv(prefix + ".cv3", y, hidden, 3)
        y = conv(prefix + ".cv4", y, hidden, 1)
        side = conv(prefix + ".cv2", x, hidden, 1)
        y = conv(prefix + ".cv5", self._pools(prefix, y), hidden, 1)
        y = conv(prefix + ".cv6", y, hidden, 3)
        return conv(prefix + ".cv7", self.concat(prefix + ".concat_cv7", [side, y]), out_ch, 1)

    def channel_merge(self, spec, prefix, x, out_ch):
        if spec.sppf == "simsppf":
            return self.sppf(prefix, x, out_ch, self.sim_conv)
        if spec.sppf == "sppf":
            return self.sppf(prefix, x, out_ch, self.silu_conv)
        if spec.sppf == "simcspsppf":
            return self.csp_sppf(prefix, x, out_ch, self.sim_conv)
        raise ValueError("unknown SPPF kind %r" % spec.sppf)

    # -- neck fusion --------------------------------------------------------------------------------

    def bifusion(self, prefix, top, same, below, out_ch):
        """BiFusion (3.0): the coarser map upsampled (Transpose), this level through a 1x1, the finer map
        through a 1x1 and a 3x3 stride-2 SimConv; concat of the three, 1x1 to out."""
        up = self.transpose_up(prefix + ".upsample", top, out_ch)
        mid = self.sim_conv(prefix + ".cv1", same, out_ch, 1)
        down = self.sim_conv(prefix + ".cv2", below, out_ch, 1)
        down = self.sim_conv(prefix + ".downsample", down, out_ch, 3, 2)
        return self.sim_conv(prefix + ".cv3", self.concat(prefix + ".concat", [up, mid, down]), out_ch, 1)
