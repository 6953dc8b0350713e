#!/usr/bin/python3
"""The terminal summary and `tessera compare` (issue 16). The summary fits a screen: headline figures with
images per second from the trace's batch, the ten ops that took the most time with fused ops folded into
the op that absorbed them, and a time share that sums to 100% (recomputed here from report.json's op
spans by a second implementation). `--ops all` lists every op. `compare` shows two runs' headline figures
and changes as report.json has them."""

import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("TESSERA_BINARY", os.path.join(ROOT, "build", "tessera"))
CONFIG = "configs/toy_4x4.json"
TRACE = "traces/yolov6_tiny_640.json"


def tessera(*args):
    return subprocess.run([BINARY] + list(args), capture_output=True, text=True, cwd=ROOT, timeout=120)


def time_shares(report):
    """Per op, the cycles of the run it holds when every cycle is split among the ops running in it."""
    spans = [(o["start_cycle"], o["end_cycle"]) if o["cycles"] > 0 and o["end_cycle"] > o["start_cycle"] else None
             for o in report["ops"]]
    bounds = sorted({c for s in spans if s for c in s} | {0, report["total_cycles"]})
    shares = [0.0] * len(spans)
    idle = 0.0
    for lo, hi in zip(bounds, bounds[1:]):
        running = [i for i, s in enumerate(spans) if s and s[0] <= lo and hi <= s[1]]
        if not running:
            idle += hi - lo
        for i in running:
            shares[i] += (hi - lo) / len(running)
    return shares, idle


class SummaryTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="tessera-summary-")
        cls.a, cls.b = os.path.join(cls.tmp, "a"), os.path.join(cls.tmp, "b")
        cls.summary = tessera("run", "--config", CONFIG, "--trace", TRACE, "--out", cls.a, "--quiet")
        assert cls.summary.returncode == 0, cls.summary.stderr
        r = tessera("run", "--config", CONFIG, "--trace", TRACE, "--out", cls.b, "--quiet",
                    "--set", "core.sram_kib=1024")
        assert r.returncode == 0, r.stderr
        with open(os.path.join(cls.a, "report.json")) as f:
            cls.report = json.load(f)
        with open(os.path.join(ROOT, TRACE)) as f:
            cls.trace = json.load(f)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_fits_a_screen_with_headline_figures(self):
        lines = self.summary.stdout.splitlines()
        self.assertLessEqual(len(lines), 30, self.summary.stdout)
        batch = next(t["shape"][0] for t in self.trace["tensors"] if t.get("kind") == "input")
        self.assertEqual(self.report["batch"], batch)
        m = re.search(r"throughput\s+([\d.]+)( k)? images/s \(batch (\d+)\)", self.summary.stdout)
        self.assertIsNotNone(m, self.summary.stdout)
        shown = float(m.group(1)) * (1000 if m.group(2) else 1)
        self.assertAlmostEqual(shown, batch / self.report["seconds"], delta=0.01 * shown)
        for word in ("time ", "compute ", "energy ", "bottleneck "):
            self.assertIn(word, self.summary.stdout)

    def test_top_ten_by_a_time_share_that_sums_to_100(self):
        shares, idle = time_shares(self.report)
        total = self.report["total_cycles"]
        self.assertAlmostEqual((sum(shares) + idle) / total, 1.0, places=9)
        rows = [l for l in self.summary.stdout.splitlines() if re.search(r"\s[\d.]+%\s+\d+\s", l)]
        self.assertEqual(len(rows), 10, self.summary.stdout)
        # The same ten, in the same order, with the same percentages as the independent computation.
        expected = sorted(range(len(shares)), key=lambda i: -shares[i])[:10]
        for row, i in zip(rows, expected):
            self.assertTrue(row.startswith(self.report["ops"][i]["name"]), (row, self.report["ops"][i]["name"]))
            pct = float(re.search(r"\s([\d.]+)%\s+\d+\s", row).group(1))
            self.assertAlmostEqual(pct, 100 * shares[i] / total, delta=0.051)
        # Fused ops have no row of their own; they are named after the op they were folded into.
        fused = {o["name"] for o in self.report["ops"] if o.get("note", "").startswith("fused into")}
        self.assertTrue(fused)
        for row in rows:
            self.assertNotIn(row.split()[0], fused)

    def test_ops_all_lists_every_op(self):
        r = tessera("run", "--config", CONFIG, "--trace", TRACE, "--quiet", "--ops", "all")
        self.assertEqual(r.returncode, 0, r.stderr)
        names = {o["name"] for o in self.report["ops"]}
        listed = {l.split()[0] for l in r.stdout.splitlines() if l.split() and l.split()[0] in names}
        self.assertEqual(listed, names)
        self.assertEqual(tessera("run", "--config", CONFIG, "--trace", TRACE, "--ops", "some").returncode, 2)

    def test_compare(self):
        r = tessera("compare", self.a, os.path.join(self.b, "report.json"))
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(self.b, "report.json")) as f:
            b = json.load(f)
        line = next(l for l in r.stdout.splitlines() if l.startswith("cycles"))
        fields = line.split()
        self.assertEqual(int(fields[1]), self.report["total_cycles"])
        self.assertEqual(int(fields[2]), b["total_cycles"])
        a_c, b_c = self.report["total_cycles"], b["total_cycles"]
        if a_c != b_c:
            self.assertAlmostEqual(float(fields[3].rstrip("%")), 100 * (b_c - a_c) / a_c, delta=0.051)
        bad = os.path.join(self.tmp, "not_a_report.json")
        with open(bad, "w") as f:
            f.write('{"schema": "something else"}')
        r = tessera("compare", self.a, bad)
        self.assertEqual(r.returncode, 2)
        self.assertIn("expected a Tessera report.json", r.stderr)


if __name__ == "__main__":
    unittest.main()
