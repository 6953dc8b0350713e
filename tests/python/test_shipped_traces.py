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

GENERATED = ["yolov6n_640.json", "yolov6_tiny_640.json", "yolov6s_640.json", "yolov6_v3_n_640.json",
             "yolov6_v3_s_640.json", "yolov6_v3_m_640.json", "yolov6_v3_l_640.json", "mixtral_moe_128.json",
             "switch_moe_64.json", "gemm_1024.json"]
# Trained parameters of each shipped trace: the reference figures of docs/workloads.md (YOLOv6 README, the
# Mixtral and Switch per-layer tables) and the 1024x1024 B matrix of the GEMM.
PARAMS = {"yolov6n_640.json": 4_317_439, "yolov6_tiny_640.json": 14_970_943, "yolov6s_640.json": 17_220_863,
          "yolov6_v3_n_640.json": 4_646_940, "yolov6_v3_s_640.json": 18_537_276,
          "yolov6_v3_m_640.json": 34_855_924, "yolov6_v3_l_640.json": 59_607_529,
          "mixtral_moe_128.json": 1_451_270_144, "switch_moe_64.json": 40_115_712, "gemm_1024.json": 1024 * 1024}


def tessera_binary():
    """The simulator (TESSERA_BINARY under ctest, else build/tessera), or None when it is not built."""
    for path in (os.environ.get("TESSERA_BINARY"), os.path.join(ROOT, "build", "tessera")):
        if path and os.path.isfile(path):
            return path
    return None


def load(name):
    with open(os.path.join(ROOT, "traces", name)) as f:
        return json.load(f)


class ShippedTracesTest(unittest.TestCase):
    def test_format_rules(self):
        for name in GENERATED:
            with self.subTest(trace=name):
                with open(os.path.join(ROOT, "traces", name)) as f:
                    trace = json.load(f)
                self.assertEqual(tracelib.check_trace(trace), [])

    def test_weight_tensors_are_the_reference_params(self):
        for name in GENERATED:
            with self.subTest(trace=name):
                trace = load(name)
                self.assertEqual(tracelib.trace_params(trace), PARAMS[name])
                if "params" in trace.get("metadata", {}):
                    self.assertEqual(trace["metadata"]["params"], PARAMS[name])

    def test_trace_info_params_match_the_reference(self):
        binary = tessera_binary()
        if not binary:
            self.skipTest("tessera not built (TESSERA_BINARY unset and no build/tessera)")
        for name in GENERATED:
            with self.subTest(trace=name):
                r = subprocess.run([binary, "trace-info", "--json", os.path.join("traces", name)],
                                   capture_output=True, text=True, cwd=ROOT)
                self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
                info = json.loads(r.stdout)
                self.assertEqual(sum(op["params"] for op in info["ops"]), PARAMS[name])
                self.assertEqual(info["params"], PARAMS[name])

    def test_simulator_accepts_them(self):
        binary = os.environ.get("TESSERA_BINARY")
        if not binary or not os.path.isfile(binary):
            self.skipTest("TESSERA_BINARY not built")
        for name in GENERATED:
            with self.subTest(trace=name):
                r = subprocess.run([binary, "validate", "--config", "configs/wormhole_n150.json", "--trace",
                                    os.path.join("traces", name)],
                                   capture_output=True, text=True, cwd=ROOT)
                self.assertEqual(r.returncode, 0, r.stdout + r.stderr)


if __name__ == "__main__":
    unittest.main()
