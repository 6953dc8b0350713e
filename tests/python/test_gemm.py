"""Checks scripts/gen_gemm.py: one matmul with A as input, B as weight, format and fidelity on the op."""

import json
import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GEN = os.path.join(ROOT, "scripts", "gen_gemm.py")
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import tracelib  # noqa: E402


def run_gen(out, *args):
    return subprocess.run([sys.executable, GEN] + [str(a) for a in args] + ["-o", out],
                          capture_output=True, text=True, cwd=ROOT)


class GemmTest(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory()
        self.out = os.path.join(self._tmp.name, "gemm.json")

    def tearDown(self):
        self._tmp.cleanup()

    def load(self):
        with open(self.out) as f:
            return json.load(f)

    def test_single_matmul(self):
        r = run_gen(self.out, "--m", 64, "--k", 96, "--n", 32, "--format", "bfp4", "--fidelity", "lofi")
        self.assertEqual(r.returncode, 0, r.stderr)
        trace = self.load()
        self.assertEqual(tracelib.check_trace(trace), [])
        tensors = {t["name"]: t for t in trace["tensors"]}
        self.assertEqual(tensors["a"], {"name": "a", "shape": [64, 96], "kind": "input", "format": "bfp4"})
        self.assertEqual(tensors["b"], {"name": "b", "shape": [96, 32], "kind": "weight", "format": "bfp4"})
        self.assertEqual(tensors["gemm"]["shape"], [64, 32])
        self.assertEqual(len(trace["ops"]), 1)
        op = trace["ops"][0]
        self.assertEqual((op["type"], op["inputs"], op["outputs"]), ("matmul", ["a", "b"], ["gemm"]))
        self.assertEqual((op["format"], op["fidelity"]), ("bfp4", "lofi"))
        self.assertEqual(tracelib.trace_macs(trace)[0], 64 * 96 * 32)

    def test_shipped_trace_is_current_and_output_deterministic(self):
        args = ("--m", 1024, "--k", 1024, "--n", 1024, "--format", "bfp8", "--fidelity", "hifi2")
        self.assertEqual(run_gen(self.out, *args).returncode, 0)
        with open(self.out, "rb") as f:
            first = f.read()
        self.assertEqual(run_gen(self.out, *args).returncode, 0)
        with open(self.out, "rb") as f, open(os.path.join(ROOT, "traces", "gemm_1024.json"), "rb") as shipped:
            data = f.read()
            self.assertEqual(data, first)
            self.assertEqual(data, shipped.read(), "traces/gemm_1024.json is stale: regenerate it")
        self.assertEqual(self.load()["metadata"]["macs"], 1024 ** 3)

    def test_bad_arguments_exit_2(self):
        for args in (("--m", 0, "--k", 8, "--n", 8), ("--m", 8, "--k", 8),
                     ("--m", 8, "--k", 8, "--n", 8, "--format", "fp64"),
                     ("--m", 8, "--k", 8, "--n", 8, "--fidelity", "max"), ("--m", "x", "--k", 8, "--n", 8)):
            with self.subTest(args=args):
                r = run_gen(self.out, *args)
                self.assertEqual(r.returncode, 2)
                self.assertIn("error", r.stderr)
                self.assertFalse(os.path.exists(self.out))
        r = run_gen(os.path.join(self.out, "no", "such", "dir.json"), "--m", 8, "--k", 8, "--n", 8)
        self.assertEqual(r.returncode, 2)
        self.assertIn("cannot write", r.stderr)


if __name__ == "__main__":
    unittest.main()
