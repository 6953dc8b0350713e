"""What distinguishes one YOLOv6 model from another: its multiples and its choice of blocks."""

import collections
import math

# Base widths and repeats, common to every release: backbone then neck (c0..c10, r0..r8).
BACKBONE_CHANNELS = [64, 128, 256, 512, 1024]
NECK_CHANNELS = [256, 128, 128, 256, 256, 512]
BACKBONE_REPEATS = [1, 6, 12, 18, 6]
NECK_REPEATS = [12, 12, 12, 12]
NUM_CLASSES = 80
STRIDES = [8, 16, 32]

# label:   the README's name (YOLOv6-n)
# block:   "repvgg" (3x3 RepVGG, ReLU) or "conv_silu" (plain 3x3 conv, SiLU: the release's L models)
# stage:   "rep" (RepBlock of n blocks) or "csp" (BepC3 with expansion csp_e)
# sppf:    "simsppf", "sppf" (SiLU), "simcspsppf"
# neck:    "reppan" (0.1.0, 2.0) or "repbifpan" (3.0, with BiFusion)
# head:    "obj" (0.1.0: objectness branch, exp box decode) or "dist" (2.0 and 3.0: ltrb distances)
# reg_max: 0, or 16 when the regression branch is a distribution decoded by DFL's integral
ModelSpec = collections.namedtuple(
    "ModelSpec", "label depth width block stage csp_e sppf neck head reg_max")


def scaled_repeats(depth):
    # Python's round (half to even) is what the releases used: 4.5 -> 4.
    return [max(round(r * depth), 1) if r > 1 else r for r in BACKBONE_REPEATS + NECK_REPEATS]


def scaled_channels(width):
    return [math.ceil(c * width / 8) * 8 for c in BACKBONE_CHANNELS + NECK_CHANNELS]
