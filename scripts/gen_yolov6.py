#!/usr/bin/env python3
"""Writes a deployed YOLOv6 detector, of release 0.1.0 (the default), 2.0 or 3.0, as a Tessera trace.

"Deployed" means after RepVGG re-parameterisation: every RepVGG block is one 3x3 conv with bias plus
ReLU, and BatchNorms are folded into conv biases. The releases and their models live in the package
scripts/yolov6/; docs/workloads.md describes the layer layout and the naming of ops and tensors.

    gen_yolov6.py [--release 0.1.0|2.0|3.0] --model M [--img 640] [--batch 1] -o traces/yolov6n_640.json
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tracelib  # noqa: E402
from yolov6 import DEFAULT_RELEASE, RELEASES, network  # noqa: E402
from yolov6.spec import scaled_channels, scaled_repeats  # noqa: E402


def build_trace(model, img, batch, name=None, release=DEFAULT_RELEASE):
    rel = RELEASES[release]
    spec = rel.MODELS[model]
    b = tracelib.TraceBuilder(name or rel.default_name(model, img), rel.description(model, img, batch))
    network.build(b, spec, img, batch)
    trace = b.to_dict()
    macs, _ = tracelib.trace_macs(trace)
    b.metadata = {
        "generator": "scripts/gen_yolov6.py",
        "source": rel.SOURCE,
        "model": model, "img": img, "batch": batch,
        "depth_multiple": spec.depth, "width_multiple": spec.width,
        "channels": scaled_channels(spec.width), "repeats": scaled_repeats(spec.depth),
        "macs": macs, "params": tracelib.trace_params(trace),
        "conv2d": sum(1 for op in trace["ops"] if op["type"] == "conv2d"),
        "conv_transpose2d": sum(1 for op in trace["ops"] if op["type"] == "conv_transpose2d"),
    }
    if release != DEFAULT_RELEASE:  # 0.1.0 traces keep the metadata they always had
        b.metadata["release"] = release
    return b


def parse_args(argv):
    ap = argparse.ArgumentParser(description="Write a deployed YOLOv6 workload trace.")
    ap.add_argument("--release", default=DEFAULT_RELEASE, choices=sorted(RELEASES),
                    help="YOLOv6 release (default %s)" % DEFAULT_RELEASE)
    ap.add_argument("--model", required=True,
                    help="model of the release: " + "; ".join(
                        "%s: %s" % (r, ", ".join(RELEASES[r].MODELS)) for r in sorted(RELEASES)))
    ap.add_argument("--img", type=int, default=640, help="square input size, a multiple of 32 (default 640)")
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--name", help="trace name (default from the release, e.g. yolov6n_640, yolov6_v3_s_640)")
    ap.add_argument("-o", "--output", required=True, help="trace file to write")
    args = ap.parse_args(argv)
    models = RELEASES[args.release].MODELS
    if args.model not in models:
        ap.error("argument --model: invalid choice for release %s: %r (choose from %s)"
                 % (args.release, args.model, ", ".join(models)))
    if args.img <= 0 or args.img % 32:
        ap.error("--img must be a positive multiple of 32 (every stride of the network divides 32)")
    if args.batch <= 0:
        ap.error("--batch must be positive")
    return args


def main(argv=None):
    args = parse_args(argv)
    build_trace(args.model, args.img, args.batch, args.name, args.release).write(args.output, "gen_yolov6.py")
    return 0


if __name__ == "__main__":
    sys.exit(main())
