#!/usr/bin/python3
"""Sweep results (issue 16): the CSV columns follow the spec's axis order (not sorted by name), and a
point whose id holds a comma or a double quote is recognised on a rerun instead of getting its CSV row
appended again."""

import csv
import json
import os
import shutil
import subprocess
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("TESSERA_BINARY", os.path.join(ROOT, "build", "tessera"))


class SweepIdsTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="tessera-sweep-ids-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_quoted_ids_and_spec_order(self):
        trace = os.path.join(self.tmp, 'gemm,"quoted".json')
        shutil.copy(os.path.join(ROOT, "traces", "gemm_1024.json"), trace)
        spec = os.path.join(self.tmp, "spec.json")
        # Written by hand so that the key order is the one in the file: z before a.
        with open(spec, "w") as f:
            f.write('{"base": "configs/toy_4x4.json", "traces": [%s], '
                    '"axes": {"noc.link_bytes_per_cycle": [32, 64], "core.sram_kib": [1024]}}' % json.dumps(trace))
        out = os.path.join(self.tmp, "out")
        for _ in range(3):
            r = subprocess.run([BINARY, "sweep", spec, "--out", out, "--quiet"], capture_output=True, text=True,
                               cwd=ROOT, timeout=120)
            self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(out, "results.csv"), newline="") as f:
            rows = list(csv.reader(f))
        self.assertEqual(rows[0][:2], ["noc.link_bytes_per_cycle", "core.sram_kib"])
        ids = [row[-1] for row in rows[1:]]
        self.assertEqual(len(ids), 2, rows)  # before: two more rows on every rerun
        self.assertEqual(len(set(ids)), 2)
        for i in ids:
            self.assertTrue(i.startswith(trace + " noc.link_bytes_per_cycle="), i)
        with open(os.path.join(out, "results.jsonl")) as f:
            self.assertEqual(len(f.read().splitlines()), 2)


if __name__ == "__main__":
    unittest.main()
