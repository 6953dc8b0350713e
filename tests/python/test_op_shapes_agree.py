#!/usr/bin/python3
"""The shape rules exist twice: scripts/tracelib.py (so generators and importers never write a trace the
simulator refuses) and sim/workload/op_shapes.cpp (what `tessera validate` enforces). This test gives both
the same one-op traces, valid and not, for every op type of version 2 and a few of version 1, and checks
that they agree on each."""

import json
import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import tracelib  # noqa: E402

# (type, input shapes, output shape, attrs, valid?)
CASES = [
    ("tilize", [[1, 1, 19, 1280]], [1, 1, 19, 1280], {"pad_value": 0}, True),
    ("tilize", [[1, 1, 19, 1280]], [1, 1, 32, 1280], {}, False),
    ("untilize", [[2, 64]], [2, 64], {}, True),
    ("reshard", [[1, 3, 384, 1280]], [1, 3, 384, 1280], {}, True),
    ("reshard", [[1, 3, 384, 1280]], [1, 1, 491520, 3], {}, False),
    ("move", [[4, 4]], [4, 4], {}, True),
    ("typecast", [[48, 1, 160, 256]], [48, 1, 160, 256], {}, True),
    ("typecast", [[48, 1, 160, 256]], [48, 160, 256], {}, False),
    ("erf", [[1, 19, 5120]], [1, 19, 5120], {}, True),
    ("halo", [[1, 3, 384, 1280]], [1, 3, 390, 1286], {"kernel": [7, 7], "stride": [2, 2], "padding": [3, 3, 3, 3]}, True),
    ("halo", [[1, 3, 384, 1280]], [1, 3, 386, 1282], {"padding": [1, 1]}, True),
    ("halo", [[1, 3, 384, 1280]], [1, 3, 384, 1280], {"padding": [1, 1]}, False),
    ("halo", [[3, 384, 1280]], [3, 384, 1280], {}, False),
    ("pad", [[1, 3, 5]], [1, 5, 8], {"padding": [[0, 0], [1, 1], [0, 3]]}, True),
    ("pad", [[1, 3, 5]], [1, 5, 8], {"padding": [[1, 1], [0, 3]]}, False),
    ("groupnorm", [[1, 64, 8, 8], [64], [64]], [1, 64, 8, 8], {"groups": 16, "epsilon": 1e-5}, True),
    ("groupnorm", [[1, 1, 7680, 256]], [1, 1, 7680, 256], {"groups": 32, "axis": -1}, True),
    ("groupnorm", [[1, 64, 8, 8]], [1, 64, 8, 8], {"groups": 24}, False),
    ("groupnorm", [[1, 1, 7680, 256]], [1, 1, 7680, 256], {"groups": 32}, False),
    ("embedding", [[1, 1, 19], [49408, 1280]], [1, 1, 19, 1280], {}, True),
    ("embedding", [[1, 1, 19], [49408, 1280]], [1, 19, 1280], {}, False),
    ("embedding", [[1, 1, 19], [1, 49408, 1280]], [1, 1, 19, 1280], {}, False),
    ("grid_sample", [[1, 256, 48, 160], [1, 7, 25281, 6]], [1, 256, 7, 25281], {"mode": "bilinear"}, True),
    ("grid_sample", [[1, 256, 48, 160], [1, 7, 25281, 2]], [1, 256, 7, 25281], {"mode": "nearest"}, True),
    ("grid_sample", [[1, 256, 48, 160], [1, 7, 25281, 3]], [1, 256, 7, 25281], {}, False),
    ("grid_sample", [[1, 256, 48, 160], [2, 7, 25281, 2]], [1, 256, 7, 25281], {}, False),
    ("grid_sample", [[1, 256, 48, 160], [1, 7, 25281, 2]], [1, 256, 7, 25281], {"mode": "cubic"}, False),
    ("cumsum", [[48, 1, 160, 256]], [48, 1, 160, 256], {"axis": 0}, True),
    ("cumsum", [[48, 1, 160, 256]], [48, 1, 160, 256], {"axis": -4}, True),
    ("cumsum", [[48, 1, 160, 256]], [48, 1, 160, 256], {"axis": 4}, False),
    ("cumsum", [[48, 1, 160, 256]], [48, 1, 160, 256], {}, False),
    ("data_movement", [[1, 1, 12720, 256], [1, 159, 159, 256]], [1, 159, 159, 256], {}, True),
    ("data_movement", [[4]], [7, 7], {}, True),
    ("data_movement", [[4]], [4], {"mode": 1}, False),
    ("slice", [[1, 1, 122880, 64]], [1, 1, 122880, 32], {"axis": 3, "start": 0, "end": 32}, True),
    ("slice", [[1, 1, 10, 64]], [1, 1, 10, 16], {"axis": 3, "start": 0, "end": 64, "step": 4}, True),
    ("slice", [[1, 1, 10, 64]], [1, 1, 10, 64], {"axis": 3, "start": 0, "end": 64, "step": 4}, False),
    ("conv2d", [[1, 3, 390, 1286], [64, 3, 7, 7]], [1, 64, 192, 640], {"stride": [2, 2], "padding": [0, 0]}, True),
    ("conv2d", [[1, 3, 390, 1286], [64, 3, 7, 7]], [1, 64, 192, 640], {"stride": [2, 2], "padding": [3, 3]}, False),
    ("matmul", [[1, 1, 19, 1280], [1, 1, 1280, 1280], [1280]], [1, 1, 19, 1280], {}, True),
    ("matmul", [[1, 1, 19, 1280], [1, 1, 1280, 1280], [1, 1, 1, 1280]], [1, 1, 19, 1280], {}, False),
]


def one_op(op_type, inputs, output, attrs):
    tensors = [{"name": "in%d" % i, "shape": s, "kind": "input"} for i, s in enumerate(inputs)]
    tensors.append({"name": "y", "shape": output})
    op = {"name": "op", "type": op_type, "inputs": ["in%d" % i for i in range(len(inputs))], "outputs": ["y"]}
    if attrs:
        op["attrs"] = attrs
    return {"format": "tessera-trace", "version": 2, "name": "one", "tensors": tensors, "ops": [op]}


class ShapeRulesAgreeTest(unittest.TestCase):
    def test_tracelib_knows_every_case(self):
        for op_type, inputs, output, attrs, valid in CASES:
            with self.subTest(op=op_type, inputs=inputs, output=output, attrs=attrs):
                problems = tracelib.check_trace(one_op(op_type, inputs, output, attrs))
                self.assertEqual(problems == [], valid, problems)

    def test_simulator_agrees(self):
        binary = os.environ.get("TESSERA_BINARY") or os.path.join(ROOT, "build", "tessera")
        if not os.path.isfile(binary):
            self.skipTest("tessera not built")
        with tempfile.TemporaryDirectory() as d:
            for i, (op_type, inputs, output, attrs, valid) in enumerate(CASES):
                with self.subTest(op=op_type, inputs=inputs, output=output, attrs=attrs):
                    path = os.path.join(d, "%d.json" % i)
                    with open(path, "w") as f:
                        json.dump(one_op(op_type, inputs, output, attrs), f)
                    r = subprocess.run([binary, "validate", "--trace", path], capture_output=True, text=True)
                    self.assertEqual(r.returncode, 0 if valid else 2, r.stdout + r.stderr)

    def test_every_type_has_a_case_or_is_old(self):
        new = {"tilize", "untilize", "reshard", "move", "typecast", "erf", "halo", "pad", "groupnorm", "embedding",
               "grid_sample", "cumsum", "data_movement"}
        self.assertEqual(new - {c[0] for c in CASES}, set())
        self.assertTrue(new <= tracelib.OP_TYPES)


if __name__ == "__main__":
    unittest.main()
