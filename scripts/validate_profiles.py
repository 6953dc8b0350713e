#!/usr/bin/python3
"""Runs the calibration profiles (tests/data/silicon/ops_perf) op by op and prints, per profile, the device
time measured against simulated, the per-op error by op type weighted by measured time, and the worst ops:
the table of docs/validation.md ("Op by op against tt-metal profiles").

    scripts/validate_profiles.py [--binary build/tessera] [--profiles NAME ...]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "tests", "data", "silicon", "ops_perf")
# Profile -> the preset of its chip. The OFT front end is left out by default: op by op it moves several
# GB in 2 KiB pages and does not finish in reasonable memory yet (docs/validation.md).
PROFILES = {"bh_64core_clip_encoder": "blackhole_p150", "wh_64core_clip_encoder": "wormhole_n150",
            "bh_20core_oft_front_end": "blackhole_p150"}
DEFAULT = ["bh_64core_clip_encoder", "wh_64core_clip_encoder"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", default=os.path.join(ROOT, "build", "tessera"))
    ap.add_argument("--profiles", nargs="+", default=DEFAULT, choices=sorted(PROFILES))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.profiles:
            trace = os.path.join(tmp, name + ".json")
            subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "scripts", "ttperf2trace.py"),
                            os.path.join(DATA, name + ".csv"), "-o", trace], check=True, capture_output=True)
            r = subprocess.run([args.binary, "run", "--config", "configs/%s.json" % PROFILES[name], "--trace", trace,
                                "--set", "mapper.schedule=op_by_op", "--json", "--quiet"],
                               cwd=ROOT, capture_output=True, text=True)
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
            print("  worst ops (largest |simulated - measured|):")
            for w in s["worst"]:
                print("    %-40s %-10s measured %9d simulated %9d" % (w["name"], w["type"], w["measured_cycles"],
                                                                     w["simulated_cycles"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
