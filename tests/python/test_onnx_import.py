"""Checks which constants scripts/onnx2trace.py imports as trained parameters (kind "weight") and which as
other fixed data (kind "constant"), and the layout of the scripts/onnx_import/ package.

Run with /usr/bin/python3 (Debian's python3-onnx and python3-numpy)."""

import json
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOL = os.path.join(ROOT, "scripts", "onnx2trace.py")
PACKAGE = os.path.join(ROOT, "scripts", "onnx_import")
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import tracelib  # noqa: E402


def tessera_binary():
    """The simulator (TESSERA_BINARY under ctest, else build/tessera), or None when it is not built."""
    for path in (os.environ.get("TESSERA_BINARY"), os.path.join(ROOT, "build", "tessera")):
        if path and os.path.isfile(path):
            return path
    return None


def init(name, shape):
    return numpy_helper.from_array(np.ones(shape, dtype=np.float32), name)


class KindsTest(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory()
        self.dir = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()

    def convert(self, nodes, inits, inputs, outputs):
        graph = helper.make_graph(nodes, "kinds", inputs, outputs, inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
        path, out = os.path.join(self.dir, "m.onnx"), os.path.join(self.dir, "m.json")
        onnx.save(model, path)
        r = subprocess.run(["/usr/bin/python3", TOOL, path, "-o", out], capture_output=True, text=True, cwd=ROOT)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(out) as f:
            trace = json.load(f)
        self.assertEqual(tracelib.check_trace(trace), [])
        return out, trace

    def test_parameter_slots_are_weights_everything_else_constant(self):
        d, t = 16, 8
        nodes = [
            helper.make_node("Conv", ["x", "conv.w", "conv.b"], ["c"], name="conv", kernel_shape=[3, 3],
                             pads=[1, 1, 1, 1]),
            helper.make_node("Add", ["c", "anchors"], ["c2"], name="add_anchors"),  # fixed grid: constant
            helper.make_node("Mul", ["c2", "stride"], ["c3"], name="mul_stride"),  # scalar: constant
            helper.make_node("Reshape", ["c3", "shape"], ["r"], name="reshape"),  # shape: folded away
            helper.make_node("MatMul", ["r", "fc.w"], ["m"], name="fc"),
            helper.make_node("Add", ["m", "fc.b"], ["m2"], name="fc_bias"),  # a linear layer's bias: weight
            helper.make_node("LayerNormalization", ["m2", "ln.g", "ln.b"], ["n"], name="ln", axis=-1),
            helper.make_node("Add", ["n", "mask"], ["y"], name="add_mask"),  # fixed mask: constant
        ]
        inits = [init("conv.w", [4, 3, 3, 3]), init("conv.b", [4]), init("anchors", [1, 4, t, t]),
                 init("stride", [1]), numpy_helper.from_array(np.array([1, 4 * t, t], np.int64), "shape"),
                 init("fc.w", [t, d]), init("fc.b", [d]), init("ln.g", [d]), init("ln.b", [d]),
                 init("mask", [1, 4 * t, d])]
        out, trace = self.convert(nodes, inits, [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, t, t])],
                                  [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4 * t, d])])
        kinds = {x["name"]: x.get("kind", "activation") for x in trace["tensors"]}
        weights = ["conv.w", "conv.b", "fc.w", "fc.b", "ln.g", "ln.b"]
        constants = ["anchors", "stride", "mask"]
        self.assertEqual(sorted(n for n, k in kinds.items() if k == "weight"), sorted(weights))
        self.assertEqual(sorted(n for n, k in kinds.items() if k == "constant"), sorted(constants))
        params = 4 * 27 + 4 + t * d + 3 * d
        self.assertEqual(tracelib.trace_params(trace), params)
        self.assertEqual(trace["metadata"]["weight_elements"], params)
        self.assertEqual(trace["metadata"]["constant_elements"], 4 * t * t + 1 + 4 * t * d)
        binary = tessera_binary()
        if binary:  # trace-info counts the weights only
            r = subprocess.run([binary, "trace-info", "--json", out], capture_output=True, text=True, cwd=ROOT)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertEqual(sum(op["params"] for op in json.loads(r.stdout)["ops"]), params)

    def test_gemm_and_conv_transpose_operands_are_weights(self):
        nodes = [helper.make_node("ConvTranspose", ["x", "up.w", "up.b"], ["u"], name="up", strides=[2, 2]),
                 helper.make_node("Flatten", ["u"], ["f"], name="flat"),
                 helper.make_node("Gemm", ["f", "g.w", "g.c"], ["y"], name="gemm", transB=1)]
        inits = [init("up.w", [2, 3, 2, 2]), init("up.b", [3]), init("g.w", [5, 48]), init("g.c", [1, 5])]
        _, trace = self.convert(nodes, inits, [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 2, 2])],
                                [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 5])])
        kinds = {x["name"]: x.get("kind") for x in trace["tensors"]}
        for name in ("up.w", "up.b", "g.w", "g.c"):
            self.assertEqual(kinds[name], "weight", name)


class PackageLayoutTest(unittest.TestCase):
    def test_entry_is_thin_and_modules_small(self):
        with open(TOOL) as f:
            text = f.read()
        self.assertTrue(text.startswith("#!/usr/bin/python3\n"))
        self.assertLess(len(text.splitlines()), 120)
        modules = sorted(n for n in os.listdir(PACKAGE) if n.endswith(".py"))
        self.assertIn("__init__.py", modules)
        for name in modules:
            with open(os.path.join(PACKAGE, name)) as f:
                self.assertLess(len(f.read().splitlines()), 400, name)

    def test_package_imports_and_exposes_the_importer(self):
        import onnx_import
        for attr in ("Importer", "ImportFailure", "Unsupported", "import_model", "load_model", "PROG"):
            self.assertTrue(hasattr(onnx_import, attr), attr)
        self.assertEqual(onnx_import.PROG, "onnx2trace")


if __name__ == "__main__":
    unittest.main()
