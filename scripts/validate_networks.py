#!/usr/bin/python3
"""Runs the whole networks of docs/validation.md ("Whole networks") op by op and prints simulated against
measured device throughput, and with --stages where each network's device time goes.

    scripts/validate_networks.py [--binary build/tessera] [--networks NAME ...] [--set KEY=VALUE ...] [--stages]

The measured figures are tt-metal's device-performance tests (sources in docs/validation.md); nothing in
Tessera is fitted to them. MobileNetV2 is exported from torchvision (needs torch and torchvision under
/usr/bin/python3) and imported with scripts/onnx2trace.py into a temporary directory; ResNet-50 and YOLOv6-L
are shipped traces. Images per second: the batch over report.json's device_cycles (the programs' spans
without the dispatch gaps, as tt-metal's AVG DEVICE KERNEL SAMPLES/S), and over total_cycles (with them).
"""

import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# name -> (preset, trace or None to export, torchvision model and batch to export, measured images/s)
NETWORKS = collections.OrderedDict([
    ("resnet50_b16_n150", ("wormhole_n150", "tests/data/networks/resnet50_b16.json", None, 5555.0)),
    ("resnet50_b16_p150", ("blackhole_p150", "tests/data/networks/resnet50_b16.json", None, 10193.0)),
    ("mobilenet_v2_b10_n150", ("wormhole_n150", None, ("mobilenet_v2", 10), 3335.0)),
    ("yolov6l_640_b1_n150", ("wormhole_n150", "traces/yolov6_v3_l_640.json", None, 102.5)),
])


def export(tmp, model, batch):
    onnx = os.path.join(tmp, "%s_b%d.onnx" % (model, batch))
    trace = os.path.join(tmp, "%s_b%d.json" % (model, batch))
    if not os.path.exists(trace):
        subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "scripts", "export_torchvision_onnx.py"), tmp,
                        "--batch", str(batch), model], check=True, capture_output=True)
        subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "scripts", "onnx2trace.py"), onnx, "-o", trace],
                       check=True, capture_output=True)
    return trace


def stage_of(name):
    """The network stage an ONNX op name belongs to: '/layer2/layer2.0/conv1/Conv' -> 'layer2',
    '/features/features.3/conv/...' -> 'features.3'; other names by their first part."""
    parts = [p for p in name.split("/") if p]
    if not parts:
        return name
    if parts[0] == "features" and len(parts) > 1:
        return parts[1]
    return parts[0]


def op_kind(op):
    if op["type"] == "conv2d" and int(op.get("attrs", {}).get("groups", 1)) > 1:
        return "conv2d grouped"
    return op["type"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", default=os.path.join(ROOT, "build", "tessera"))
    ap.add_argument("--networks", nargs="+", default=list(NETWORKS), choices=list(NETWORKS))
    ap.add_argument("--set", action="append", default=[], help="extra config override, e.g. mapper.op_by_op_rules=trace")
    ap.add_argument("--stages", action="store_true", help="device cycles per stage and per op kind")
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.networks:
            preset, trace, exported, measured = NETWORKS[name]
            if trace is None:
                try:
                    trace = export(tmp, *exported)
                except (subprocess.CalledProcessError, OSError) as e:
                    print("%s: cannot export %s (needs torch and torchvision): %s" % (name, exported[0], e),
                          file=sys.stderr)
                    continue
            else:
                trace = os.path.join(ROOT, trace)
            cmd = [args.binary, "run", "--config", os.path.join(ROOT, "configs", preset + ".json"), "--trace", trace,
                   "--set", "mapper.schedule=op_by_op", "--json", "--quiet"]
            for s in args.set:
                cmd += ["--set", s]
            r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
            if r.returncode != 0:
                print("%s: tessera failed: %s" % (name, r.stderr.strip()), file=sys.stderr)
                return 1
            report = json.loads(r.stdout)
            batch = report.get("batch", 1)
            hz = report["clock_ghz"] * 1e9
            device = batch / (report["device_cycles"] / hz)
            total = batch / (report["total_cycles"] / hz)
            rows.append((name, measured, device, total))
            if args.stages:
                with open(trace) as f:
                    graph = json.load(f)
                kinds = {op["name"]: op_kind(op) for op in graph["ops"]}
                stages, by_kind = collections.OrderedDict(), collections.Counter()
                for op in report["ops"]:
                    stages[stage_of(op["name"])] = stages.get(stage_of(op["name"]), 0) + op["cycles"]
                    by_kind[kinds.get(op["name"], op["type"])] += op["cycles"]
                print("%s: device %d cycles, with gaps %d" % (name, report["device_cycles"], report["total_cycles"]))
                print("  stages: " + ", ".join("%s %d" % kv for kv in stages.items()))
                print("  kinds:  " + ", ".join("%s %d" % kv for kv in by_kind.most_common()))
    print("%-24s %10s %12s %12s %8s" % ("network", "measured", "device", "with gaps", "device"))
    print("%-24s %10s %12s %12s %8s" % ("", "images/s", "images/s", "images/s", "vs meas."))
    for name, measured, device, total in rows:
        print("%-24s %10.1f %12.1f %12.1f %+7.0f%%" % (name, measured, device, total, 100 * (device / measured - 1)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
