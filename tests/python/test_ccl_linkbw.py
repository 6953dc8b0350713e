#!/usr/bin/python3
"""tests/system/compare_silicon.py computes the model's per-link bandwidth as tt-metal's CCL benchmark
computes its `linkbw` column (issue 14). Checked two ways: the formula reproduces the benchmark's own rows
from their size and time (tt-metal tech_reports/CCLs/results/SUMMARY_wormhole_b0_bfloat16_6144.md, commit
3a4ad18f, 1 link; SUMMARY_blackhole_bfloat16_8192.md, commit 1080d1c4, 2 links: size (B), time (us) and
linkbw (GB/s) of one row each), and it agrees with `tessera collective`'s own per_link_gbps on a run.
The smallest-message rows hold each chip's share of T, and the presets reproduce the two that calibrate
ccl.op_launch_ns."""

import json
import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "system"))
import compare_silicon as cs  # noqa: E402

BINARY = os.environ.get("TESSERA_BINARY", os.path.join(ROOT, "build", "tessera"))

# (op, chips, topology, links, size B, time us, linkbw GB/s) as the summary tables print them.
MEASURED_ROWS = [
    ("all_gather", 2, "line", 1, 8388608, 666.34, 6.29),
    ("all_gather", 4, "line", 1, 8388608, 546.50, 11.51),
    ("all_gather", 8, "ring", 1, 8388608, 374.56, 9.80),
    ("reduce_scatter", 2, "line", 1, 8388608, 509.23, 8.24),
    ("reduce_scatter", 8, "ring", 1, 8388608, 441.14, 8.32),
    ("all_reduce", 4, "line", 1, 8388608, 1232.33, 10.21),
    ("all_to_all", 4, "line", 1, 8388608, 740.72, 11.32),
    ("all_to_all", 8, "ring", 1, 8388608, 1033.82, 8.11),
    ("all_reduce", 2, "line", 2, 8388608, 240.36, 17.45),
    ("reduce_scatter", 8, "ring", 2, 33554432, 360.32, 20.37),
    ("all_to_all", 2, "line", 2, 33554432, 559.23, 15.00),
]


class LinkBandwidthTest(unittest.TestCase):
    def test_formula_reproduces_the_measured_rows(self):
        for op, n, topology, links, size, us, value in MEASURED_ROWS:
            with self.subTest(op=op, n=n):
                self.assertAlmostEqual(cs.linkbw(op, n, topology, links, size, us), value, delta=0.006)

    def test_all_gather_shards_the_tensor_the_others_replicate_it(self):
        # test_ccl_bandwidth.py's plan(): all_gather's per-device shape is [h, w / n], the others' [h, w].
        self.assertEqual(cs.bytes_per_chip("all_gather", 8, 8 << 20), 1 << 20)
        self.assertEqual(cs.bytes_per_chip("reduce_scatter", 8, 8 << 20), 8 << 20)
        self.assertEqual(cs.bytes_per_chip("all_to_all", 2, 8 << 20), 8 << 20)

    def test_smallest_rows_hold_each_chips_share(self):
        # A row's size is T; an all_gather of T = 4 KiB on 2 chips sends one 2 KiB bf16 tile per chip.
        with open(os.path.join(ROOT, "tests", "data", "systems", "ccl_measured.json")) as f:
            rows = json.load(f)["smallest_message_us"]
        for m in rows:
            self.assertEqual(m["bytes_per_chip"], cs.bytes_per_chip(m["op"], m["chips"], m["size_bytes"]))
        self.assertEqual(rows[0]["bytes_per_chip"], 2048)

    def test_presets_reproduce_the_calibration_rows(self):
        # ccl.op_launch_ns is calibrated on the first two rows: whenever the model under it changes it must
        # be re-derived (measured minus the model without launch), or these drift.
        with open(os.path.join(ROOT, "tests", "data", "systems", "ccl_measured.json")) as f:
            measured = json.load(f)
        with tempfile.TemporaryDirectory() as tmp:
            for m in measured["smallest_message_us"][:2]:
                table = measured["per_link_gbps"][m["arch"]]
                r = cs.run(BINARY, m["system"], m["op"], m["chips"], m["topology"], table["links"],
                           m["bytes_per_chip"], table["packet_bytes"], tmp)
                with self.subTest(arch=m["arch"]):
                    self.assertAlmostEqual(r["us"], m["us"], delta=0.01)

    def test_agrees_with_the_simulators_per_link_figure(self):
        # Same bytes and time, the simulator's formula (sim/system/collective_figures.cpp) on per-chip bytes.
        with tempfile.TemporaryDirectory() as tmp:
            for op, n, topology in (("all_gather", 4, "line"), ("all_to_all", 4, "line"), ("reduce_scatter", 8, "ring")):
                total = 256 << 10
                r = cs.run(BINARY, "t3000", op, n, topology, 1, cs.bytes_per_chip(op, n, total), 6144, tmp)
                with self.subTest(op=op):
                    self.assertAlmostEqual(cs.linkbw(op, n, topology, 1, total, r["us"]) / r["per_link_gbps"], 1.0,
                                           delta=1e-3)


if __name__ == "__main__":
    unittest.main()
