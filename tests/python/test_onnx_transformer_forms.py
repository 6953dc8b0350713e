"""Checks the ONNX mappings that vision transformers (ViT, Swin) need: Gather as slice / embedding /
data_movement, Pad, Slice with a step, Expand, a standalone Erf, the folding of Swin's shifted-window
mask (ConstantOfShape, ScatterND, Equal, Where, Cast), and the forms ONNX shape inference leaves without
shapes (a linear's bias, a decomposed layer norm). Every expected op and shape is worked out by hand
in the comments; the models are built here with onnx.helper, no torch.

Run with /usr/bin/python3 (Debian's python3-onnx and python3-numpy)."""

import json
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np
import onnx
from onnx import TensorProto

from test_onnx2trace import ROOT, ModelBuilder, run_tool, tensor_info

sys.path.insert(0, os.path.join(ROOT, "scripts"))
import tracelib  # noqa: E402
from onnx_import.folding import FOLDERS  # noqa: E402

INT64_MAX = 2 ** 63 - 1


class TransformerFormsTest(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory()
        self.dir = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()

    def save(self, model, name):
        path = os.path.join(self.dir, name + ".onnx")
        onnx.save(model, path)
        return path, os.path.join(self.dir, name + ".json")

    def convert(self, model, name="model"):
        path, out = self.save(model, name)
        r = run_tool(path, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(out) as f:
            trace = json.load(f)
        self.assertEqual(tracelib.check_trace(trace), [])
        binary = os.environ.get("TESSERA_BINARY")
        if binary and os.path.isfile(binary):  # the simulator's reader must accept it too
            v = subprocess.run([binary, "validate", "--trace", out], capture_output=True, text=True, cwd=ROOT)
            self.assertEqual(v.returncode, 0, v.stdout + v.stderr)
        return trace

    def refused(self, model, name="bad"):
        path, out = self.save(model, name)
        r = run_tool(path, out)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertFalse(os.path.exists(out))
        return r.stderr

    @staticmethod
    def ops(trace):
        shapes = {t["name"]: t["shape"] for t in trace["tensors"]}
        return [(op["type"], op.get("attrs", {}), [shapes[o] for o in op["outputs"]]) for op in trace["ops"]]

    def test_class_token_pick_is_a_slice_then_a_reshape(self):
        # ViT's x[:, 0] on [1, 5, 8]: rows [0, 1) of axis 1 -> [1, 1, 8]; the scalar index drops the axis
        m = ModelBuilder()
        y = m.node("Gather", ["x", m.const(0, np.int64)], axis=1)
        trace = self.convert(m.model([tensor_info("x", [1, 5, 8])], [tensor_info(y, [1, 8])]))
        self.assertEqual(self.ops(trace), [("slice", {"axis": 1, "start": 0, "end": 1}, [[1, 1, 8]]),
                                           ("reshape", {}, [[1, 8]])])

    def test_qkv_pick_with_a_negative_index(self):
        # qkv[-1] of [3, 2, 4, 6] (axis 0): index 2 -> slice [2, 3) -> [1, 2, 4, 6] -> reshape [2, 4, 6]
        m = ModelBuilder()
        y = m.node("Gather", ["x", m.const(-1, np.int64)], axis=0)
        trace = self.convert(m.model([tensor_info("x", [3, 2, 4, 6])], [tensor_info(y, [2, 4, 6])]))
        self.assertEqual(self.ops(trace), [("slice", {"axis": 0, "start": 2, "end": 3}, [[1, 2, 4, 6]]),
                                           ("reshape", {}, [[2, 4, 6]])])

    def test_evenly_spaced_indices_are_a_strided_slice(self):
        # indices [1, 3, 5] on axis 2 of [1, 3, 7, 4]: start 1, step 2, end just past 5 -> 3 rows, no reshape
        m = ModelBuilder()
        y = m.node("Gather", ["x", m.const([1, 3, 5], np.int64)], axis=2)
        trace = self.convert(m.model([tensor_info("x", [1, 3, 7, 4])], [tensor_info(y, [1, 3, 3, 4])]))
        self.assertEqual(self.ops(trace), [("slice", {"axis": 2, "start": 1, "end": 6, "step": 2}, [[1, 3, 3, 4]])])

    def test_a_permutation_of_rows_is_data_movement(self):
        # indices [2, 0, 1, 1] on axis 0 of [3, 5]: no slice expresses it -> data_movement [4, 5]
        m = ModelBuilder()
        y = m.node("Gather", ["x", m.const([2, 0, 1, 1], np.int64)], axis=0)
        trace = self.convert(m.model([tensor_info("x", [3, 5])], [tensor_info(y, [4, 5])]))
        self.assertEqual(self.ops(trace), [("data_movement", {}, [[4, 5]])])

    def test_a_table_looked_up_by_computed_indices_is_an_embedding(self):
        # token ids [2, 7] into a [10, 6] table -> embedding [2, 7, 6]; the table is a trained parameter
        m = ModelBuilder()
        y = m.node("Gather", [m.init("table", [10, 6]), "ids"], axis=0)
        trace = self.convert(m.model([tensor_info("ids", [2, 7], TensorProto.INT64)], [tensor_info(y, [2, 7, 6])]))
        self.assertEqual(self.ops(trace), [("embedding", {}, [[2, 7, 6]])])
        kinds = {t["name"]: t.get("kind") for t in trace["tensors"]}
        self.assertEqual(kinds["table"], "weight")
        self.assertEqual(trace["metadata"]["weight_elements"], 60)

    def test_gather_of_a_constant_folds(self):
        # a relative-position bias: table[index] with both constant is computed here; only the add remains
        m = ModelBuilder()
        bias = m.node("Gather", [m.init("table", [9, 2]), m.const([[0, 4], [8, 4]], np.int64)], axis=0)
        y = m.node("Add", ["x", bias])
        trace = self.convert(m.model([tensor_info("x", [3, 2, 2, 2])], [tensor_info(y, [3, 2, 2, 2])]))
        self.assertEqual(self.ops(trace), [("add", {}, [[3, 2, 2, 2]])])

    def test_gather_on_a_computed_index_of_a_3d_tensor_is_refused_by_name(self):
        m = ModelBuilder()
        y = m.node("Gather", ["x", "ids"], axis=1, name="pick")
        err = self.refused(m.model([tensor_info("x", [2, 5, 4]), tensor_info("ids", [3], TensorProto.INT64)],
                                   [tensor_info(y, [2, 3, 4])]))
        self.assertIn("Gather x1", err)
        self.assertIn("first at node pick", err)
        self.assertIn("axis 1 of a rank-3 table", err)

    def test_pad(self):
        # Swin pads [1, 5, 5, 8] (NHWC) to a multiple of the window: H +2 after, W +1 before, +1 after
        m = ModelBuilder()
        p = m.node("Pad", ["x", m.const([0, 0, 1, 0, 0, 2, 1, 0], np.int64)])
        zero = m.node("Pad", [p, m.const([0] * 8, np.int64)])  # a no-op pad (the usual case) leaves no op
        y = m.node("Relu", [zero])
        trace = self.convert(m.model([tensor_info("x", [1, 5, 5, 8])], [tensor_info(y, [1, 7, 7, 8])]))
        self.assertEqual(self.ops(trace), [("pad", {"padding": [[0, 0], [0, 2], [1, 1], [0, 0]], "value": 0.0},
                                            [[1, 7, 7, 8]]),
                                           ("relu", {}, [[1, 7, 7, 8]])])

    def test_pad_forms_the_trace_cannot_hold_are_refused(self):
        m = ModelBuilder()
        y = m.node("Pad", ["x", m.const([0, 1, 0, 1], np.int64)], mode="reflect", name="reflect_pad")
        err = self.refused(m.model([tensor_info("x", [2, 4])], [tensor_info(y, [2, 6])]))
        self.assertIn("Pad x1 (mode reflect; first at node reflect_pad)", err)
        m = ModelBuilder()
        y = m.node("Pad", ["x", m.const([0, -1, 0, 0], np.int64)], name="crop")
        err = self.refused(m.model([tensor_info("x", [2, 4])], [tensor_info(y, [2, 3])]))
        self.assertIn("negative pads", err)

    def test_strided_slice_as_in_patch_merging(self):
        # Swin's x[:, 1::2, 0::2, :] on [1, 8, 8, 4]: H rows 1,3,5,7 (end 8), W cols 0,2,4,6 (end 7)
        m = ModelBuilder()
        y = m.node("Slice", ["x", m.const([1, 0], np.int64), m.const([INT64_MAX, INT64_MAX], np.int64),
                             m.const([1, 2], np.int64), m.const([2, 2], np.int64)])
        trace = self.convert(m.model([tensor_info("x", [1, 8, 8, 4])], [tensor_info(y, [1, 4, 4, 4])]))
        self.assertEqual(self.ops(trace), [("slice", {"axis": 1, "start": 1, "end": 8, "step": 2}, [[1, 4, 8, 4]]),
                                           ("slice", {"axis": 2, "start": 0, "end": 7, "step": 2}, [[1, 4, 4, 4]])])

    def test_expand_copies_only_when_it_grows(self):
        # [1, 1, 4] -> [3, 1, 4] is 12 elements out of 4: data_movement; -> [1, 1, 4] again is a reshape
        m = ModelBuilder()
        big = m.node("Expand", ["x", m.const([3, 1, 4], np.int64)])
        same = m.node("Expand", ["x", m.const([1, 1, 1], np.int64)])
        trace = self.convert(m.model([tensor_info("x", [1, 1, 4])],
                                     [tensor_info(big, [3, 1, 4]), tensor_info(same, [1, 1, 4])]))
        self.assertEqual(self.ops(trace), [("data_movement", {}, [[3, 1, 4]]), ("reshape", {}, [[1, 1, 4]])])

    def test_standalone_erf(self):
        m = ModelBuilder()
        y = m.node("Erf", ["x"])
        trace = self.convert(m.model([tensor_info("x", [2, 3])], [tensor_info(y, [2, 3])]))
        self.assertEqual(self.ops(trace), [("erf", {}, [[2, 3]])])

    def test_shifted_window_mask_folds_to_one_constant(self):
        """Swin's mask: zeros, region ids written by ScatterND, pairs compared (Equal), then Where picks
        0 or -100; all constant, so the only op left is the add of the mask to the scores."""
        m = ModelBuilder()
        ids = m.node("ConstantOfShape", [m.const([4], np.int64)],
                     value=onnx.numpy_helper.from_array(np.zeros(1, np.float32)))
        ids = m.node("ScatterND", [ids, m.const([[2], [3]], np.int64), m.const([1.0, 2.0])])  # [0, 0, 1, 2]
        pair = m.node("Equal", [m.node("Unsqueeze", [ids, m.const([1], np.int64)]),
                                m.node("Unsqueeze", [ids, m.const([0], np.int64)])])  # [4, 4]
        mask = m.node("Where", [m.node("Cast", [pair], to=TensorProto.BOOL), m.const(0.0), m.const(-100.0)])
        y = m.node("Add", ["scores", mask])
        trace = self.convert(m.model([tensor_info("scores", [2, 4, 4])], [tensor_info(y, [2, 4, 4])]))
        self.assertEqual(self.ops(trace), [("add", {}, [[2, 4, 4]])])
        self.assertEqual(trace["metadata"]["constant_elements"], 16)

    def test_linear_bias_is_a_weight_when_onnx_cannot_infer_the_shape(self):
        # a Reshape whose target comes from a Where (as Swin's window partition does) leaves ONNX shape
        # inference without a shape for the MatMul after it; the bias [5] is still the linear's parameter
        m = ModelBuilder()
        target = m.node("Where", [m.const([True, False, False], np.bool_), m.const([4, 0, 0], np.int64),
                                  m.const([0, 2, 8], np.int64)])  # [4, 2, 8]
        mm = m.node("MatMul", [m.node("Reshape", ["x", target]), m.init("w", [8, 5])])
        y = m.node("Add", [m.init("b", [5]), mm])
        trace = self.convert(m.model([tensor_info("x", [4, 16])], [tensor_info(y, [4, 2, 5])]))
        kinds = {t["name"]: t.get("kind") for t in trace["tensors"]}
        self.assertEqual((kinds["w"], kinds["b"]), ("weight", "weight"))
        self.assertEqual(trace["metadata"]["weight_elements"], 8 * 5 + 5)

    def test_decomposed_layernorm_with_unknown_rank_and_shared_scale(self):
        """The opset-13 export of a layer norm whose input shape ONNX could not infer (after a Reshape to a
        Where-computed shape, as in Swin), its scale and bias Identity copies of initializers (how PyTorch
        shares equal ones): still one layernorm over the last axis with both as parameters."""
        m = ModelBuilder()
        target = m.node("Where", [m.const([True, False, False], np.bool_), m.const([4, 0, 0], np.int64),
                                  m.const([0, 2, 8], np.int64)])  # [4, 2, 8]
        x = m.node("Reshape", ["x", target])
        dev = m.node("Sub", [x, m.node("ReduceMean", [x], axes=[-1])])
        var = m.node("ReduceMean", [m.node("Pow", [dev, m.const(2.0)])], axes=[-1])
        norm = m.node("Div", [dev, m.node("Sqrt", [m.node("Add", [var, m.const(1e-5)])])])
        scale = m.node("Identity", [m.init("gamma", [8])])
        bias = m.node("Identity", [m.init("beta", [8])])
        y = m.node("Add", [m.node("Mul", [norm, scale]), bias])
        trace = self.convert(m.model([tensor_info("x", [4, 16])], [tensor_info(y, [4, 2, 8])]))
        self.assertEqual([op["type"] for op in trace["ops"]], ["reshape", "layernorm"])
        self.assertEqual(trace["ops"][1]["attrs"], {"axis": -1, "epsilon": 1e-5})
        self.assertEqual(len(trace["ops"][1]["inputs"]), 3)
        self.assertEqual(trace["metadata"]["weight_elements"], 16)

    def test_scatter_nd_folder(self):
        # rows 0 and 2 of a [3, 2] zero matrix replaced: [[1, 2], [0, 0], [3, 4]]
        got = FOLDERS["ScatterND"](None, [np.zeros((3, 2)), np.array([[0], [2]]), np.array([[1, 2], [3, 4]])], {})
        np.testing.assert_array_equal(got[0], [[1, 2], [0, 0], [3, 4]])


if __name__ == "__main__":
    unittest.main()
