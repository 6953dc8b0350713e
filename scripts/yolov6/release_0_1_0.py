"""Tag 0.1.0 (2022-06-23), the first public release: EfficientRep, Rep-PAN, a head with objectness."""

from .spec import ModelSpec

TAG = "0.1.0"
SOURCE = "YOLOv6 tag 0.1.0 (Meituan, 2022-06-23), deployed network"
MODELS = {
    "n": ModelSpec("YOLOv6-n", 0.33, 0.25, "repvgg", "rep", None, "simsppf", "reppan", "obj", 0),
    "tiny": ModelSpec("YOLOv6-tiny", 0.25, 0.50, "repvgg", "rep", None, "simsppf", "reppan", "obj", 0),
    "s": ModelSpec("YOLOv6-s", 0.33, 0.50, "repvgg", "rep", None, "simsppf", "reppan", "obj", 0),
}


def default_name(model, img):
    return "yolov6%s_%d" % (model if model != "tiny" else "_tiny", img)


def description(model, img, batch):
    return "%s (tag 0.1.0, deployed), %dx%d, batch %d" % (MODELS[model].label, img, img, batch)
