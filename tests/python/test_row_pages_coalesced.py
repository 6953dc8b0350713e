#!/usr/bin/python3
"""Row-major DRAM tensors op by op: a cut of the held-out OFT profile (its first op, a tilize of the
384x1280 3-channel image, 491,520 rows of 6 bytes in DRAM, on 20 cores) runs with its row pages
coalesced into response packets, and still pays every page's RISC-V issue time.

Figures derived by hand (blackhole_p150: riscv_issue_cycles 124, response_packet_bytes 2048):
- page by page the reads alone are 491,520 NoC messages. Coalesced, 2048 // 6 = 341 rows go per packet's
  worth, in two messages (the first row alone, whose round trip stands for the others, then the rest),
  so a core's share of 24,576 rows, read in at most one command per 64 KiB output block (its 1.5 MB of
  output tiles: 24 blocks), takes at most 2 x (ceil(24576 / 341) + 24) = 194 messages, 3,880 on 20 cores;
  the output's writes add at most one message per tile (15,360 tiles of 32 rows).
- every row is still a read call: the op's span is at least 24,576 x 124 = 3,047,424 cycles."""

import json
import os
import subprocess
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("TESSERA_BINARY") or os.path.join(ROOT, "build", "tessera")
PROFILE = os.path.join(ROOT, "tests", "data", "silicon", "ops_perf", "bh_20core_oft_front_end.csv")


class RowPagesCoalescedTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        full = os.path.join(cls.tmp.name, "oft.json")
        subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "scripts", "ttperf2trace.py"), PROFILE, "-o", full],
                       check=True, capture_output=True)
        with open(full) as f:
            trace = json.load(f)
        # The first op alone; its input becomes a trace input in DRAM, as it is on the chip.
        op = trace["ops"][0]
        names = set(op["inputs"]) | set(op["outputs"])
        trace["ops"] = [op]
        trace["tensors"] = [t for t in trace["tensors"] if t["name"] in names]
        for t in trace["tensors"]:
            if t["name"] in op["inputs"]:
                t["kind"] = "input"
        cls.op = op
        cls.tensors = {t["name"]: t for t in trace["tensors"]}
        cut = os.path.join(cls.tmp.name, "cut.json")
        with open(cut, "w") as f:
            json.dump(trace, f)
        cls.out = os.path.join(cls.tmp.name, "out")
        cls.result = subprocess.run([BINARY, "run", "--config", "configs/blackhole_p150.json", "--trace", cut,
                                     "--set", "mapper.schedule=op_by_op", "--out", cls.out, "--quiet"],
                                    cwd=ROOT, capture_output=True, text=True)
        with open(os.path.join(cls.out, "report.json")) as f:
            cls.report = json.load(f)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_the_cut_is_the_image_tilize(self):
        self.assertEqual(self.result.returncode, 0, self.result.stderr)
        self.assertEqual(self.op["type"], "tilize")
        self.assertEqual(self.op["cores"], 20)
        image = self.tensors[self.op["inputs"][0]]
        self.assertEqual(image["layout"], "row_major")
        self.assertEqual(image["shape"], [1, 384, 1280, 3])

    def test_row_pages_travel_a_packet_at_a_time(self):
        hist = self.report["stats"]["noc"]["message_latency"]["hist"]
        messages = sum(v["value"] for v in hist.values())
        self.assertLessEqual(messages, 3880 + 15360)

    def test_every_row_still_costs_its_issue_time(self):
        self.assertGreaterEqual(self.report["ops"][0]["cycles"], 24576 * 124)


if __name__ == "__main__":
    unittest.main()
