#!/usr/bin/python3
"""Wall time and peak memory of multi-chip runs (tessera run --system, docs/systems.md): one Mixtral-8x7B
decoder layer, one decode step at batch 32 with 128 tokens in the KV cache, on t3000 and the 32-chip
wh_galaxy, in each parallel mode that applies, both schedules. Each run is its own process, timed by
/usr/bin/time; the issue's target is minutes and under 8 GB for the 32-chip run on one core.

usage: scripts/bench_system_run.py [--build build] [--systems t3000,wh_galaxy] [--modes tensor,expert]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def timed(cmd):
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        p = subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", tf.name] + cmd, cwd=ROOT, capture_output=True, text=True)
        wall, kib = tf.read().split()[-2:]
    if p.returncode != 0:
        sys.exit("failed: %s\n%s" % (" ".join(cmd), p.stderr))
    return p.stdout, float(wall), int(kib) / 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--systems", default="t3000,wh_galaxy")
    ap.add_argument("--modes", default="tensor,expert")
    args = ap.parse_args()
    binary = os.path.join(ROOT, args.build, "tessera")
    with tempfile.TemporaryDirectory() as tmp:
        trace = os.path.join(tmp, "mixtral_decode.json")
        subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "scripts", "gen_moe.py"), "--model", "mixtral-8x7b",
                        "--tokens", "1", "--batch", "32", "--kv-cache", "128", "-o", trace], check=True)
        print("%-10s %-7s %-9s %8s %12s %10s %9s" % ("system", "mode", "schedule", "chips", "simulated ms", "wall s",
                                                    "peak MiB"))
        for system in args.systems.split(","):
            for mode in args.modes.split(","):
                for schedule in ("fused", "op_by_op"):
                    out, wall, mib = timed([binary, "run", "--system", "configs/systems/%s.json" % system, "--trace", trace,
                                            "--set", "mapper.parallel=" + mode, "--set", "mapper.schedule=" + schedule,
                                            "--json", "-q"])
                    r = json.loads(out)
                    print("%-10s %-7s %-9s %8d %12.3f %10.2f %9.0f" % (system, mode, schedule, r["chips"],
                                                                      r["seconds"] * 1e3, wall, mib))


if __name__ == "__main__":
    main()
