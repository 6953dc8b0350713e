#!/usr/bin/python3
"""Soak test of `tessera sweep` resuming: a sweep of --points points (toy chip, small traces) is killed at
random moments (SIGKILL, SIGINT or SIGTERM to its whole process group, as a terminal's Ctrl-C or a batch
system would) and restarted, --kills times, then allowed to finish. Checks that no point is lost or
duplicated in results.jsonl and results.csv, and that every point's record is byte-identical to an
uninterrupted sweep's. Exits 1 on any difference.

    scripts/soak_sweep.py [--kills 30] [--seed 1] [-j 2] [--binary build/tessera]
"""

import argparse
import csv
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def spec_text():
    # 2 traces x 3 x 3 x 2 = 36 points, each a fraction of a second.
    return json.dumps({
        "description": "soak: resumed sweeps must equal an uninterrupted one",
        "base": "configs/toy_4x4.json",
        "traces": ["traces/gemm_1024.json", "traces/switch_moe_64.json"],
        "axes": {"noc.link_bytes_per_cycle": [16, 32, 64], "core.sram_kib": [512, 1024, 1464],
                 "mapper.block_tiles": [4, 8]}})


def results(out):
    with open(os.path.join(out, "results.jsonl")) as f:
        lines = f.read().splitlines()
    with open(os.path.join(out, "results.csv"), newline="") as f:
        rows = list(csv.reader(f))
    return lines, rows


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kills", type=int, default=30)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--binary", default=os.path.join(ROOT, "build", "tessera"))
    args = ap.parse_args()
    rng = random.Random(args.seed)
    tmp = tempfile.mkdtemp(prefix="tessera-soak-")
    try:
        spec = os.path.join(tmp, "soak.json")
        with open(spec, "w") as f:
            f.write(spec_text())
        reference, soaked = os.path.join(tmp, "reference"), os.path.join(tmp, "soaked")
        command = [args.binary, "sweep", spec, "-j", str(args.jobs), "--quiet", "--out"]
        start = time.monotonic()
        subprocess.run(command + [reference], cwd=ROOT, check=True)
        duration = time.monotonic() - start
        kills = 0
        signals = [signal.SIGKILL, signal.SIGINT, signal.SIGTERM]
        while True:
            p = subprocess.Popen(command + [soaked], cwd=ROOT, start_new_session=True,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if kills < args.kills:
                time.sleep(rng.uniform(0, duration / 4))
                if p.poll() is None:
                    os.killpg(p.pid, rng.choice(signals))
                    kills += 1
                p.wait()
                continue
            if p.wait() != 0:
                print("soak: the final sweep exited %d" % p.returncode)
                return 1
            break
        ref_lines, ref_rows = results(reference)
        lines, rows = results(soaked)
        problems = []
        ids = [json.loads(line)["point"] for line in lines]
        if len(ids) != len(set(ids)):
            problems.append("results.jsonl holds a point twice")
        if sorted(lines) != sorted(ref_lines):
            problems.append("results.jsonl differs from the uninterrupted sweep's (lost, extra or changed points)")
        if rows[0] != ref_rows[0]:
            problems.append("results.csv header differs")
        if sorted(map(tuple, rows[1:])) != sorted(map(tuple, ref_rows[1:])):
            problems.append("results.csv rows differ from the uninterrupted sweep's")
        print("soak: %d points, %d kills, %s" % (len(ref_lines), kills, "; ".join(problems) if problems else
                                                 "no point lost or duplicated, every record byte-identical"))
        return 1 if problems else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
