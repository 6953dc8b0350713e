"""Release 3.0 (tag 0.3.0, 2023-01-06): the neck becomes Rep-BiFPAN (BiFusion also takes the next
finer backbone map, so P2 joins in); N and S end the backbone with SimCSPSPPF; M and L keep the CSP
stages, SimSPPF / SPPF and the DFL head of 2.0."""

from .spec import ModelSpec

TAG = "0.3.0"
SOURCE = "YOLOv6 release 3.0 (tag 0.3.0, Meituan, 2023-01-06), deployed network"
MODELS = {
    "n": ModelSpec("YOLOv6-N", 0.33, 0.25, "repvgg", "rep", None, "simcspsppf", "repbifpan", "dist", 0),
    "s": ModelSpec("YOLOv6-S", 0.33, 0.50, "repvgg", "rep", None, "simcspsppf", "repbifpan", "dist", 0),
    "m": ModelSpec("YOLOv6-M", 0.60, 0.75, "repvgg", "csp", 2 / 3, "simsppf", "repbifpan", "dist", 16),
    "l": ModelSpec("YOLOv6-L", 1.0, 1.0, "conv_silu", "csp", 1 / 2, "sppf", "repbifpan", "dist", 16),
}


def default_name(model, img):
    return "yolov6_v3_%s_%d" % (model, img)


def description(model, img, batch):
    return "%s (release 3.0, deployed), %dx%d, batch %d" % (MODELS[model].label, img, img, batch)
