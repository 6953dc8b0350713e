#!/usr/bin/python3
"""The short fuzz run of CI (issue 16): 300 mutated presets and traces with a fixed seed, validated, and
those on the toy chip or the 1024 GEMM also run. Every input gets exit 0 or a clear exit 2; none crashes,
hangs, exits 1 or is accepted when it must be refused. The long run is scripts/fuzz_inputs.py."""

import os
import shutil
import sys
import tempfile
import unittest
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fuzz"))
import mutator  # noqa: E402

BINARY = os.environ.get("TESSERA_BINARY", os.path.join(mutator.ROOT, "build", "tessera"))


class ShortFuzzTest(unittest.TestCase):
    def test_mutated_inputs(self):
        cases = mutator.generate(seed=16, count=300)
        tmp = tempfile.mkdtemp(prefix="tessera-fuzz-")
        try:
            def check(item):
                i, case = item
                d = os.path.join(tmp, str(i))
                problem = mutator.run_case(BINARY, case, d, simulate=False, timeout=60)
                if problem is None and mutator.may_simulate(case):
                    problem = mutator.run_case(BINARY, case, d, simulate=True, timeout=60)
                return None if problem is None else case.label + ": " + problem

            with ThreadPoolExecutor(max_workers=2) as pool:
                problems = [p for p in pool.map(check, enumerate(cases)) if p]
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        refused = sum(c.must_refuse for c in cases)
        print("fuzz: %d inputs (%d must be refused, %d also run), %d problems" %
              (len(cases), refused, sum(mutator.may_simulate(c) for c in cases), len(problems)))
        self.assertEqual(problems, [], "\n".join(problems[:20]))


if __name__ == "__main__":
    unittest.main()
