#!/usr/bin/env python3
"""Measures how the mapper's choices play out: YOLOv6-s on each preset under every conv algorithm and both
placements, plus what the reshape engine and compression buy. Prints markdown tables (docs/mapping.md).

    python3 scripts/bench_mapping.py [--tessera build/tessera] [--trace traces/yolov6s_640.json]
"""
import argparse
import collections
import json
import subprocess
import sys

PRESETS = ["grayskull_e150", "wormhole_n150", "blackhole_p150"]
ALGORITHMS = ["auto", "im2col", "direct", "winograd2", "winograd4"]
PLACEMENTS = ["layer_by_layer", "pipelined"]


def run(tessera, config, trace, sets):
    cmd = [tessera, "run", "--config", config, "--trace", trace, "--json", "--quiet"]
    for s in sets:
        cmd += ["--set", s]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        return None, out.stderr.strip().splitlines()[-1] if out.stderr else "failed"
    return json.loads(out.stdout), ""


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tessera", default="build/tessera")
    parser.add_argument("--trace", default="traces/yolov6s_640.json")
    args = parser.parse_args()

    print("| preset | placement | conv algorithm | cycles | ms | TFLOPS | utilisation | bound (compute/dram/noc/sram ops) |")
    print("|---|---|---|---:|---:|---:|---:|---|")
    for preset in PRESETS:
        config = f"configs/{preset}.json"
        for placement in PLACEMENTS:
            for algorithm in ALGORITHMS:
                r, err = run(args.tessera, config, args.trace,
                             [f"mapper.conv_algorithm={algorithm}", f"mapper.placement={placement}"])
                if r is None:
                    print(f"| {preset} | {placement} | {algorithm} | - | - | - | - | {err} |")
                    continue
                bound = collections.Counter(o.get("bottleneck") for o in r["ops"] if o.get("bottleneck"))
                print(f"| {preset} | {placement} | {algorithm} | {r['total_cycles']:,} | {r['seconds'] * 1e3:.3f} | "
                      f"{r['achieved_tflops']:.1f} | {100 * r['utilization']:.1f}% | "
                      f"{bound['compute']}/{bound['dram']}/{bound['noc']}/{bound['sram']} |")
    print()
    print("| preset | packet manager | cycles | change |")
    print("|---|---|---:|---:|")
    for preset in PRESETS:
        config = f"configs/{preset}.json"
        base, _ = run(args.tessera, config, args.trace, ["mapper.conv_algorithm=im2col"])
        for label, sets in [("reshape engine, no compression (default)", []),
                            ("no reshape engine (gathers on the core)", ["packet_manager.reshape_engine=false"]),
                            ("compression on, activations at density 0.5", ["packet_manager.compression=true",
                                                                            "packet_manager.default_density=0.5"])]:
            r, err = run(args.tessera, config, args.trace, ["mapper.conv_algorithm=im2col"] + sets)
            if r is None or base is None:
                print(f"| {preset} | {label} | - | {err} |")
                continue
            change = 100.0 * (r["total_cycles"] - base["total_cycles"]) / base["total_cycles"]
            print(f"| {preset} | {label} | {r['total_cycles']:,} | {change:+.1f}% |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
