"""Release 2.0 (tag 0.2.0, 2022-09-05): the head loses objectness and decodes ltrb distances; tiny
gets width 0.375; M and L use CSP stages (BepC3) and a DFL regression head; L uses plain 3x3 convs
with SiLU instead of RepVGG blocks."""

from .spec import ModelSpec

TAG = "0.2.0"
SOURCE = "YOLOv6 release 2.0 (tag 0.2.0, Meituan, 2022-09-05), deployed network"
MODELS = {
    "n": ModelSpec("YOLOv6-N", 0.33, 0.25, "repvgg", "rep", None, "simsppf", "reppan", "dist", 0),
    "tiny": ModelSpec("YOLOv6-T", 0.33, 0.375, "repvgg", "rep", None, "simsppf", "reppan", "dist", 0),
    "s": ModelSpec("YOLOv6-S", 0.33, 0.50, "repvgg", "rep", None, "simsppf", "reppan", "dist", 0),
    "m": ModelSpec("YOLOv6-M", 0.60, 0.75, "repvgg", "csp", 2 / 3, "simsppf", "reppan", "dist", 16),
    "l": ModelSpec("YOLOv6-L", 1.0, 1.0, "conv_silu", "csp", 1 / 2, "sppf", "reppan", "dist", 16),
}


def default_name(model, img):
    return "yolov6_v2_%s_%d" % (model, img)


def description(model, img, batch):
    return "%s (release 2.0, deployed), %dx%d, batch %d" % (MODELS[model].label, img, img, batch)
