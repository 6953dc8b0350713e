"""Every workload trace shipped by the generators is valid: by the format rules in scripts/tracelib.py and,
when the build provides it (TESSERA_BINARY), by the simulator's own `tessera validate`."""

import json
import os
import subprocess
import sys
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import tracelib  # noqa: E402

GENERATED = ["yolov6n_640.json", "yolov6_tiny_640.json", "yolov6s_640.json", "mixtral_moe_128.json",
             "switch_moe_64.json", "gemm_1024.json"]


class ShippedTracesTest(unittest.TestCase):
    def test_format_rules(self):
        for name in GENERATED:
            with self.subTest(trace=name):
                with open(os.path.join(ROOT, "traces", name)) as f:
                    trace = json.load(f)
                self.assertEqual(tracelib.check_trace(trace), [])

    def test_simulator_accepts_them(self):
        binary = os.environ.get("TESSERA_BINARY")
        if not binary or not os.path.isfile(binary):
            self.skipTest("TESSERA_BINARY not built")
        for name in GENERATED:
            with self.subTest(trace=name):
                r = subprocess.run([binary, "validate", "--trace", os.path.join("traces", name)],
                                   capture_output=True, text=True, cwd=ROOT)
                self.assertEqual(r.returncode, 0, r.stdout + r.stderr)


if __name__ == "__main__":
    unittest.main()
