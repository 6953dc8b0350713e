#!/usr/bin/python3
"""Replays the silicon NoC traces in tests/data/silicon/noc_traces with `tessera noc-trace` in both issue
modes and prints the table of docs/validation.md: golden (measured) cycles, predicted cycles and the error,
for the calibration traces and for the held-out ones separately.

usage: scripts/validate_noc_traces.py [--binary build/tessera] [--config configs/wormhole_n150.json]
                                      [--set a.b=v ...] [--summary]
"""
import argparse
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TRACES = os.path.join(ROOT, "tests", "data", "silicon", "noc_traces")
# Held out of the fit: four reshards and four DRAM reads, spread over grid shapes. The other 16 are the
# calibration set (docs/validation.md).
HELD_OUT = {
    "1x2_BLOCK_TO_4x8_BLOCK", "2x2_BLOCK_TO_8x4_BLOCK", "4x2_BLOCK_TO_2x8_HEIGHT", "4x4_BLOCK_TO_2x4_HEIGHT",
    "DRAM_TO_1x4_BLOCK", "DRAM_TO_2x4_HEIGHT", "DRAM_TO_4x2_HEIGHT", "DRAM_TO_8x4_HEIGHT",
}


def replay(binary, config, sets, trace, issue):
    cmd = [binary, "noc-trace", trace, "--config", config, "--issue", issue, "--json"]
    for s in sets:
        cmd += ["--set", s]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"validate_noc_traces: {' '.join(cmd)} failed: {out.stderr.strip()}")
    return json.loads(out.stdout)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=os.path.join(ROOT, "build", "tessera"))
    ap.add_argument("--config", default=os.path.join(ROOT, "configs", "wormhole_n150.json"))
    ap.add_argument("--set", action="append", default=[])
    ap.add_argument("--summary", action="store_true", help="print only the error summary")
    args = ap.parse_args()
    names = sorted(f[:-5] for f in os.listdir(TRACES) if f.endswith(".json"))
    rows = []
    for name in names:
        path = os.path.join(TRACES, name + ".json")
        rec = replay(args.binary, args.config, args.set, path, "recorded")
        eng = replay(args.binary, args.config, args.set, path, "engine")
        rows.append((name, name in HELD_OUT, rec["golden_cycles"], rec["predicted_cycles"], rec["error"],
                     eng["predicted_cycles"], eng["error"]))
    if not args.summary:
        print("| trace | set | golden | recorded | error | engine | error |")
        print("|---|---|---:|---:|---:|---:|---:|")
        for name, held, golden, rp, re, ep, ee in rows:
            print(f"| {name} | {'held out' if held else 'fit'} | {golden} | {rp} | {100*re:+.1f}% | {ep} | {100*ee:+.1f}% |")
        print()
    for label, held in (("calibration (16)", False), ("held out (8)", True)):
        sel = [r for r in rows if r[1] == held]
        for mode, col in (("recorded", 4), ("engine", 6)):
            errs = [abs(r[col]) for r in sel]
            worst = max(sel, key=lambda r: abs(r[col]))
            print(f"{label:17s} {mode:8s}: mean |error| {100*sum(errs)/len(errs):5.1f}%, "
                  f"worst {100*abs(worst[col]):5.1f}% ({worst[0]})")


if __name__ == "__main__":
    main()
