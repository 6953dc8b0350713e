"""The YOLOv6 releases that scripts/gen_yolov6.py can write, one module per release.

Each release module has MODELS (name -> ModelSpec), SOURCE (where its facts come from), TAG, and
default_name(model, img); the network itself is assembled by network.build from the spec.
"""

from . import release_0_1_0, release_2_0, release_3_0

RELEASES = {"0.1.0": release_0_1_0, "2.0": release_2_0, "3.0": release_3_0}
DEFAULT_RELEASE = "0.1.0"
