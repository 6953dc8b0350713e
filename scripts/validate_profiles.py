#!/usr/bin/python3
"""Runs the calibration profiles (tests/data/silicon/ops_perf) op by op and prints, per profile, the device
time measured against simulated, the per-op error by op type weighted by measured time, and the worst ops:
the table of docs/validation.md ("Op by op against tt-metal profiles").

    scripts/validate_profiles.py [--binary build/tessera] [--profiles NAME ...]
    scripts/validate_profiles.py --whole
    scripts/validate_profiles.py --held-out [--jobs 2] [--types halo untilize] [--per-op]

--whole runs the held-out OFT front end (never used to set a parameter) whole, op by op as the profile ran,
with its run's wall time and peak resident set. --held-out runs it one op at a time instead, each op's
inputs where the trace puts them (DRAM, or L1 shards as a trace input); ops the mapper cannot fit are
listed, not counted.
"""

import argparse
import collections
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "tests", "data", "silicon", "ops_perf")
# Profile -> the preset of its chip. The OFT front end is held out: --whole and --held-out run it.
HELD_OUT = "bh_20core_oft_front_end"
PROFILES = {"bh_64core_clip_encoder": "blackhole_p150", "wh_64core_clip_encoder": "wormhole_n150",
            "bh_20core_oft_front_end": "blackhole_p150"}
DEFAULT = ["bh_64core_clip_encoder", "wh_64core_clip_encoder"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", default=os.path.join(ROOT, "build", "tessera"))
    ap.add_argument("--profiles", nargs="+", default=DEFAULT, choices=sorted(PROFILES))
    ap.add_argument("--whole", action="store_true", help="the held-out OFT profile, whole")
    ap.add_argument("--held-out", action="store_true", help="the held-out OFT profile, each op alone")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--types", nargs="+", metavar="TYPE",
                    help="with --held-out: run only the ops of these Tessera op types (e.g. halo untilize)")
    ap.add_argument("--per-op", action="store_true", help="with --held-out: print every op run, measured and simulated")
    args = ap.parse_args()
    if args.held_out:
        return held_out(args.binary, HELD_OUT, args.jobs, args.types, args.per_op)
    if args.whole:
        args.profiles = [HELD_OUT]
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.profiles:
            trace = os.path.join(tmp, name + ".json")
            subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "scripts", "ttperf2trace.py"),
                            os.path.join(DATA, name + ".csv"), "-o", trace], check=True, capture_output=True)
            start = time.monotonic()
            r = subprocess.run([args.binary, "run", "--config", "configs/%s.json" % PROFILES[name], "--trace", trace,
                                "--set", "mapper.schedule=op_by_op", "--json", "--quiet"],
                               cwd=ROOT, capture_output=True, text=True)
            wall = time.monotonic() - start
            if r.returncode != 0:
                print("%s: tessera exited %d: %s" % (name, r.returncode, r.stderr.strip()), file=sys.stderr)
                return 1
            s = json.loads(r.stdout)["silicon"]
            print("%s on %s: %d ops, device time %.0f cycles measured, %.0f simulated (%+.1f%%), "
                  "per-op error weighted by time %.1f%%" % (name, PROFILES[name], s["ops"], s["measured_cycles"],
                                                            s["simulated_cycles"], 100 * s["error"],
                                                            100 * s["weighted_abs_error"]))
            print("  %-12s %5s %12s %12s %8s %9s" % ("type", "ops", "measured", "simulated", "error", "|error|w"))
            for t, v in sorted(s["by_type"].items(), key=lambda kv: -kv[1]["measured_cycles"]):
                print("  %-12s %5d %12.0f %12.0f %+7.1f%% %8.1f%%" % (t, v["ops"], v["measured_cycles"],
                                                                   v["simulated_cycles"], 100 * v["error"],
                                                                   100 * v["weighted_abs_error"]))
            mm = [v for t, v in s["by_type"].items() if t in ("conv2d", "matmul")]
            if mm:
                m = sum(v["measured_cycles"] for v in mm)
                a = sum(v["weighted_abs_error"] * v["measured_cycles"] for v in mm)
                print("  convs and matmuls together: %d ops, |error| weighted by time %.1f%%" %
                      (sum(v["ops"] for v in mm), 100 * a / m))
            print("  worst ops (largest |simulated - measured|):")
            for w in s["worst"]:
                print("    %-40s %-10s measured %9d simulated %9d" % (w["name"], w["type"], w["measured_cycles"],
                                                                     w["simulated_cycles"]))
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            print("  the run: %.0f s wall, largest resident set of a run so far %.0f MB" % (wall, peak / 1024))
    return 0


def single_op_trace(trace, op):
    """The trace cut to one op: what it reads becomes a trace input where the trace puts it."""
    names = set(op["inputs"]) | set(op["outputs"])
    cut = dict(trace, ops=[op], tensors=[dict(t) for t in trace["tensors"] if t["name"] in names])
    for t in cut["tensors"]:
        if t["name"] not in op["outputs"] and t.get("kind", "activation") == "activation":
            t["kind"] = "input"
    return cut


def held_out(binary, name, jobs, types=None, per_op=False):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, name + ".json")
        subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "scripts", "ttperf2trace.py"),
                        os.path.join(DATA, name + ".csv"), "-o", path], check=True, capture_output=True)
        with open(path) as f:
            trace = json.load(f)

        def run(i):
            op = trace["ops"][i]
            cut, out = os.path.join(tmp, "op%d.json" % i), os.path.join(tmp, "out%d" % i)
            with open(cut, "w") as f:
                json.dump(single_op_trace(trace, op), f)
            r = subprocess.run([binary, "run", "--config", "configs/%s.json" % PROFILES[name], "--trace", cut,
                                "--set", "mapper.schedule=op_by_op", "--out", out, "--quiet"],
                               cwd=ROOT, capture_output=True, text=True)
            if r.returncode != 0:
                return op, None, r.stderr.strip().splitlines()[0] if r.stderr.strip() else "exit %d" % r.returncode
            with open(os.path.join(out, "measured_vs_simulated.csv"), newline="") as f:
                return op, list(csv.DictReader(f)), None

        picked = [i for i, op in enumerate(trace["ops"]) if not types or op["type"] in types]
        if not picked:
            print("no op of type %s in %s" % (" or ".join(types), name), file=sys.stderr)
            return 2
        with ThreadPoolExecutor(max_workers=max(jobs, 1)) as pool:
            results = list(pool.map(run, picked))
    meas, sim, err, count = collections.Counter(), collections.Counter(), collections.Counter(), collections.Counter()
    failed = []
    for op, rows, error in results:
        if rows is None:
            failed.append((op, error))
        for r in rows or []:
            m, s_ = float(r["measured_cycles"]), float(r["simulated_cycles"])
            meas[r["type"]] += m
            sim[r["type"]] += s_
            err[r["type"]] += abs(s_ - m)
            count[r["type"]] += 1
    m, s_ = sum(meas.values()), sum(sim.values())
    print("%s on %s (held out, each op alone): %d ops run, device time %.0f cycles measured, %.0f simulated "
          "(%+.1f%%), per-op error weighted by time %.1f%%" % (name + (" [%s]" % " ".join(types) if types else ""),
                                                              PROFILES[name], sum(count.values()), m, s_,
                                                              100 * (s_ - m) / m, 100 * sum(err.values()) / m))
    print("  %-12s %5s %12s %12s %8s %9s" % ("type", "ops", "measured", "simulated", "error", "|error|w"))
    for t, v in meas.most_common():
        print("  %-12s %5d %12.0f %12.0f %+7.1f%% %8.1f%%" % (t, count[t], v, sim[t], 100 * (sim[t] - v) / v,
                                                           100 * err[t] / v))
    clock = 1.35  # blackhole_p150's chip.clock_ghz: the profile's ns to cycles
    lost = sum(op["metadata"]["measured_ns"] for op, _ in failed) * clock
    print("  not run (%d ops, %.0f cycles measured):" % (len(failed), lost))
    for error, n in collections.Counter(e.split(": ", 2)[-1][:110] for _, e in failed).most_common(5):
        print("    %3d x %s" % (n, error))
    if per_op:
        print("  %-44s %-10s %10s %10s %6s" % ("op", "type", "measured", "simulated", "ratio"))
        for op, rows, _ in results:
            for r in rows or []:
                m_, s1 = float(r["measured_cycles"]), float(r["simulated_cycles"])
                print("  %-44s %-10s %10.0f %10.0f %6.2f" % (r["op"][:44], r["type"], m_, s1, s1 / m_ if m_ else 0))
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print("  largest resident set of one op's run: %.0f MB" % (peak / 1024))
    return 0


if __name__ == "__main__":
    sys.exit(main())
