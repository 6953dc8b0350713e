#!/usr/bin/python3
"""The long fuzz run: mutated presets and traces (tests/fuzz/mutator.py) fed to `tessera validate`, and
the cheap ones also to `tessera run`, until --count inputs or --minutes have passed. Prints every input
that crashed, hung, exited 1 or was wrongly accepted, saves it under --keep, and exits 1 if there was any.

    scripts/fuzz_inputs.py --count 5000 --seed 7 [-j 2] [--binary build/tessera] [--keep fuzz_failures]
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests", "fuzz"))
import mutator  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--minutes", type=float, default=0, help="stop after this long (0: no limit)")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=120, help="seconds per tessera process")
    ap.add_argument("--binary", default=os.path.join(mutator.ROOT, "build", "tessera"))
    ap.add_argument("--keep", default="fuzz_failures", help="directory for the inputs that failed")
    args = ap.parse_args()

    cases = mutator.generate(args.seed, args.count)
    deadline = time.monotonic() + args.minutes * 60 if args.minutes else None
    tmp = tempfile.mkdtemp(prefix="tessera-fuzz-")
    failures = []

    def check(item):
        i, case = item
        if deadline and time.monotonic() > deadline:
            return i, case, "skipped"
        d = os.path.join(tmp, str(i))
        problem = mutator.run_case(args.binary, case, d, simulate=False, timeout=args.timeout)
        if problem is None and mutator.may_simulate(case):
            problem = mutator.run_case(args.binary, case, d, simulate=True, timeout=args.timeout)
        if problem:
            keep = os.path.join(args.keep, "%06d" % i)
            shutil.copytree(d, keep, dirs_exist_ok=True)
        shutil.rmtree(d, ignore_errors=True)
        return i, case, problem

    done = skipped = 0
    try:
        with ThreadPoolExecutor(max_workers=args.jobs) as pool:
            for i, case, problem in pool.map(check, enumerate(cases)):
                if problem == "skipped":
                    skipped += 1
                    continue
                done += 1
                if problem:
                    failures.append((i, case.label, problem))
                    print("FAIL %06d %s: %s" % (i, case.label, problem), flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("fuzz: seed %d, %d inputs run (%d skipped at the deadline), %d failures%s" %
          (args.seed, done, skipped, len(failures), (" kept in " + args.keep) if failures else ""))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
