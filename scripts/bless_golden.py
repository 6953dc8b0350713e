#!/usr/bin/python3
"""Golden runs: small workloads pinned by their cycles and energy (tests/golden/, one JSON per case).

Each case is a `tessera` command; its golden file holds the command and the figures it printed when it was
last blessed. tests/python/test_golden.py re-runs every case and fails on any change (cycles and counts
exactly, other figures beyond a relative 1e-9). When a change is intended, bless it:

    /usr/bin/python3 scripts/bless_golden.py [--binary build/tessera] [--case NAME] [--regen-traces]

re-runs every case (or one), prints what moved (old, new, % change per figure and per op) and rewrites the
golden files. Paste the printed table into the commit message: blessing is a deliberate act.
--regen-traces first rewrites the generated traces in tests/data/golden/ with their generators.
"""

import argparse
import json
import os
import shlex
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GOLDEN_DIR = os.path.join(ROOT, "tests", "golden")
ENERGY_RTOL = 1e-9

# Traces the cases need that are not shipped in traces/: generated once, committed, regenerated on demand.
GENERATED_TRACES = {
    "tests/data/golden/yolov6n_320.json": "scripts/gen_yolov6.py --model n --img 320",
}

# name -> (what it pins, tessera arguments). Keep each case well under a second.
CASES = {
    "yolov6n_320_toy_4x4": (
        "YOLOv6-n at 320x320 on the 4x4 toy chip: conv lowering, layer-by-layer placement, DRAM-bound layers",
        "run --config configs/toy_4x4.json --trace tests/data/golden/yolov6n_320.json --json --quiet"),
    "yolov6n_320_grayskull_e150": (
        "YOLOv6-n at 320x320 on Grayskull e150 (120 cores, 8 DRAM channels)",
        "run --config configs/grayskull_e150.json --trace tests/data/golden/yolov6n_320.json --json --quiet"),
    "switch_moe_64_toy_4x4": (
        "Switch MoE block, 64 tokens, on the toy chip: routing, skipped experts, attention",
        "run --config configs/toy_4x4.json --trace traces/switch_moe_64.json --json --quiet"),
    "gemm_1024_wormhole_n150": (
        "1024^3 bf16 GEMM on Wormhole n150: the matrix unit and the weight multicast",
        "run --config configs/wormhole_n150.json --trace traces/gemm_1024.json --json --quiet"),
    "noc_uniform_torus_toy": (
        "uniform synthetic traffic, 4-flit packets at 0.1 flits/node/cycle on the toy chip's 4x5 torus",
        "noc --config configs/toy_4x4.json --traffic uniform --rate 0.1 --packet-flits 4 --seed 1 --cycles 2000 --json"),
    "noc_tornado_torus_toy_loaded": (
        "tornado traffic, 1-flit packets at 0.08 flits/node/cycle on the same torus: contention below saturation (0.1)",
        "noc --config configs/toy_4x4.json --traffic tornado --rate 0.08 --packet-flits 1 --seed 2 --cycles 2000 --json"),
}

NOC_FIGURES = ("avg_packet_latency", "avg_network_latency", "accepted_flits_per_node_cycle", "avg_hops",
               "measured_packets", "flit_hops", "simulated_cycles", "unstable")


def default_binary():
    return os.environ.get("TESSERA_BINARY") or os.path.join(ROOT, "build", "tessera")


def run_case(binary, command):
    """Runs one case and returns {"figures": {...}, "ops": [[name, cycles], ...]}."""
    args = shlex.split(command)
    r = subprocess.run([binary] + args, cwd=ROOT, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("tessera %s: exit %d\n%s" % (command, r.returncode, r.stderr))
    out = json.loads(r.stdout)
    if args[0] == "noc":
        return {"figures": {k: out[k] for k in NOC_FIGURES}, "ops": []}
    figures = {"total_cycles": out["total_cycles"], "energy_pj": out["energy"]["total_pj"],
               "macs": out["macs"], "sram_peak_bytes": out["sram_peak_bytes"]}
    for component, pj in sorted(out["energy"]["by_component_pj"].items()):
        figures["energy_pj." + component] = pj
    return {"figures": figures, "ops": [[op["name"], op["cycles"]] for op in out["ops"]]}


def is_exact(key, value):
    """Cycles, counts and flags must not move at all; energies and rates only by rounding."""
    return isinstance(value, (bool, int)) and not key.startswith("energy")


def moved(key, old, new):
    if old is None or new is None:
        return old is not new
    if is_exact(key, old) and is_exact(key, new):
        return old != new
    if isinstance(old, bool) or isinstance(new, bool):
        return old != new
    return abs(new - old) > ENERGY_RTOL * max(abs(old), abs(new), 1e-300)


def pct(old, new):
    if isinstance(old, bool) or isinstance(new, bool) or old is None or new is None:
        return ""
    return "%+.4f%%" % (100.0 * (new - old) / old) if old else "new"


def diff(golden, fresh):
    """Rows (what, old, new, % change) for every figure and op cycle count that moved."""
    rows = []
    keys = list(golden["figures"]) + [k for k in fresh["figures"] if k not in golden["figures"]]
    for k in keys:
        old, new = golden["figures"].get(k), fresh["figures"].get(k)
        if moved(k, old, new):
            rows.append((k, old, new, pct(old, new)))
    old_ops, new_ops = golden.get("ops", []), fresh.get("ops", [])
    if [o[0] for o in old_ops] != [o[0] for o in new_ops]:
        rows.append(("op list", "%d ops" % len(old_ops), "%d ops" % len(new_ops), "names or order changed"))
    new_by_name = dict((name, c) for name, c in new_ops)
    for name, old in old_ops:
        new = new_by_name.get(name)
        if new is not None and new != old:
            rows.append(("op " + name + " cycles", old, new, pct(old, new)))
    return rows


def format_rows(case, rows):
    if not rows:
        return "%s: unchanged" % case
    width = max(len(r[0]) for r in rows)
    lines = ["%s: %d figure(s) moved" % (case, len(rows)),
             "  %-*s  %20s  %20s  %s" % (width, "figure", "old", "new", "change")]
    for what, old, new, change in rows:
        lines.append("  %-*s  %20s  %20s  %s" % (width, what, old, new, change))
    return "\n".join(lines)


def golden_path(case):
    return os.path.join(GOLDEN_DIR, case + ".json")


def load_golden(case):
    with open(golden_path(case)) as f:
        return json.load(f)


def write_golden(case, what, command, fresh):
    doc = {"case": case, "what": what, "command": "tessera " + command,
           "tolerance": "cycles and counts exact; other figures relative %g" % ENERGY_RTOL,
           "figures": fresh["figures"], "ops": fresh["ops"]}
    with open(golden_path(case), "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


def command_of(golden):
    command = golden["command"]
    return command[len("tessera "):] if command.startswith("tessera ") else command


def regen_traces():
    for path, generator in GENERATED_TRACES.items():
        args = shlex.split(generator)
        subprocess.run(["/usr/bin/python3", os.path.join(ROOT, args[0])] + args[1:] + ["-o", os.path.join(ROOT, path)],
                       cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        print("regenerated %s (%s)" % (path, generator))


def main(argv):
    ap = argparse.ArgumentParser(description="Re-run the golden cases, print what moved and rewrite tests/golden/.")
    ap.add_argument("--binary", default=default_binary(), help="tessera binary (default $TESSERA_BINARY or build/tessera)")
    ap.add_argument("--case", action="append", help="bless only this case (repeatable)")
    ap.add_argument("--regen-traces", action="store_true", help="regenerate tests/data/golden/ traces first")
    ap.add_argument("--dry-run", action="store_true", help="print the table, write nothing")
    args = ap.parse_args(argv)
    if args.regen_traces:
        regen_traces()
    cases = args.case or list(CASES)
    unknown = [c for c in cases if c not in CASES]
    if unknown:
        sys.exit("bless_golden.py: unknown case(s) %s; known: %s" % (", ".join(unknown), ", ".join(CASES)))
    os.makedirs(GOLDEN_DIR, exist_ok=True)
    for case in cases:
        what, command = CASES[case]
        fresh = run_case(args.binary, command)
        if os.path.exists(golden_path(case)):
            print(format_rows(case, diff(load_golden(case), fresh)))
        else:
            print("%s: new case, %s" % (case, ", ".join("%s %s" % kv for kv in fresh["figures"].items()
                                                         if not kv[0].startswith("energy_pj."))))
        if not args.dry_run:
            write_golden(case, what, command, fresh)
    stale = sorted(f[:-5] for f in os.listdir(GOLDEN_DIR) if f.endswith(".json") and f[:-5] not in CASES)
    for case in stale:
        print("%s: no longer a case; delete %s" % (case, os.path.relpath(golden_path(case), ROOT)))


if __name__ == "__main__":
    main(sys.argv[1:])
