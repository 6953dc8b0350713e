#!/usr/bin/python3
"""A tt-metal profile run as a workload, op by op, side by side with silicon: the Blackhole CLIP encoder
profile imported with scripts/ttperf2trace.py and run on blackhole_p150 with mapper.schedule=op_by_op.
Every device op launch of the CSV is one program, and each op's measured cycles in report.json are the
CSV's DEVICE KERNEL DURATION times the chip clock, read here from the CSV itself; the summary and the
CSV/HTML outputs carry the comparison."""

import csv
import json
import math
import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("TESSERA_BINARY") or os.path.join(ROOT, "build", "tessera")
PROFILE = os.path.join(ROOT, "tests", "data", "silicon", "ops_perf", "bh_64core_clip_encoder.csv")
CLOCK_GHZ = 1.35  # blackhole_p150's chip.clock_ghz


class ProfileRunTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        trace = os.path.join(cls.tmp.name, "clip.json")
        subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "scripts", "ttperf2trace.py"), PROFILE, "-o", trace],
                       check=True, capture_output=True)
        cls.out = os.path.join(cls.tmp.name, "out")
        cls.result = subprocess.run([BINARY, "run", "--config", "configs/blackhole_p150.json", "--trace", trace,
                                  "--set", "mapper.schedule=op_by_op", "--out", cls.out],
                                 cwd=ROOT, capture_output=True, text=True)
        with open(PROFILE, newline="") as f:
            cls.rows = [r for r in csv.DictReader(f) if r["DEVICE KERNEL DURATION [ns]"].strip()]

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def report(self):
        with open(os.path.join(self.out, "report.json")) as f:
            return json.load(f)

    def test_runs_one_program_per_launch(self):
        self.assertEqual(self.result.returncode, 0, self.result.stderr)
        r = self.report()
        self.assertEqual(r["schedule"], "op_by_op")
        self.assertEqual(r["programs"], len(self.rows))
        self.assertEqual(r["silicon"]["ops"], len(self.rows))

    def test_a_second_run_may_write_over_the_first_report(self):
        # measured_vs_simulated.csv is one of the report's own files, so the directory is the run's to replace.
        again = subprocess.run([BINARY, "run", "--config", "configs/blackhole_p150.json", "--trace",
                                os.path.join(self.tmp.name, "clip.json"), "--set", "mapper.schedule=op_by_op",
                                "--out", self.out, "--quiet"], cwd=ROOT, capture_output=True, text=True)
        self.assertEqual(again.returncode, 0, again.stderr)

    def test_measured_cycles_come_from_the_csv(self):
        r = self.report()
        by_name = {op["name"]: op for op in r["ops"]}
        total = 0
        for row in self.rows:
            op = by_name[row["OP CODE"] + "#" + row["GLOBAL CALL COUNT"]]
            expected = math.floor(float(row["DEVICE KERNEL DURATION [ns]"]) * CLOCK_GHZ + 0.5)  # half away from zero
            self.assertEqual(op["measured_cycles"], expected, op["name"])
            total += expected
        self.assertAlmostEqual(r["silicon"]["measured_cycles"], total, delta=total * 1e-5)
        # The device time simulated is the programs' spans, as the profiler measures each kernel.
        self.assertAlmostEqual(r["silicon"]["simulated_cycles"], sum(op["cycles"] for op in r["ops"]),
                               delta=r["silicon"]["simulated_cycles"] * 1e-5)

    def test_within_the_issue_targets_per_op(self):
        # Issue 12's per-op targets, against the measured durations: time-weighted |error| at most 20% for
        # matmuls and 30% over all ops (measured when written, on the flit NoC: 16.5% and 20.0%). The error is recomputed
        # here from each op's measured and simulated cycles, not read from the report's own summary.
        r = self.report()
        ops = [op for op in r["ops"] if op.get("measured_cycles")]
        def weighted(selected):
            return (sum(abs(op["cycles"] - op["measured_cycles"]) for op in selected) /
                    sum(op["measured_cycles"] for op in selected))
        self.assertLess(weighted([op for op in ops if op["type"] == "matmul"]), 0.20)
        self.assertLess(weighted(ops), 0.30)

    def test_outputs_show_the_comparison(self):
        self.assertIn("silicon     660 measured ops", self.result.stdout)
        with open(os.path.join(self.out, "measured_vs_simulated.csv")) as f:
            lines = f.read().splitlines()
        self.assertEqual(lines[0], "op,type,cores,measured_cycles,simulated_cycles,ratio")
        self.assertEqual(len(lines), 1 + len(self.rows))
        with open(os.path.join(self.out, "report.html")) as f:
            html = f.read()
        self.assertIn("Simulated against measured", html)
        self.assertGreater(html.count("<circle"), len(self.rows) // 2)


if __name__ == "__main__":
    unittest.main()
