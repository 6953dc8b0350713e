"""Checks scripts/onnx2trace.py on small ONNX models built here with onnx.helper.

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
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import tracelib  # noqa: E402

OPSET = 17
RNG = np.random.default_rng(0)


def prod(shape):
    n = 1
    for d in shape:
        n *= d
    return n


class ModelBuilder:
    """Collects nodes and initializers; weights get random values so external-data saving has bytes."""

    def __init__(self):
        self.nodes, self.inits, self.count = [], [], 0

    def init(self, name, shape, dtype=np.float32, value=None):
        arr = np.asarray(value, dtype=dtype) if value is not None else RNG.standard_normal(shape).astype(dtype)
        self.inits.append(numpy_helper.from_array(arr, name))
        return name

    def node(self, op, inputs, n_out=1, name=None, **attrs):
        self.count += 1
        name = name or "%s_%d" % (op.lower(), self.count)
        outs = [name] if n_out == 1 else ["%s_out%d" % (name, k) for k in range(n_out)]
        self.nodes.append(helper.make_node(op, inputs, outs, name=name, **attrs))
        return outs[0] if n_out == 1 else outs

    def conv(self, x, cin, cout, k, stride=1, pad=None, bias=True, group=1, name=None):
        name = name or "conv_%d" % (self.count + 1)
        w = self.init(name + ".w", [cout, cin // group, k, k])
        ins = [x, w] + ([self.init(name + ".b", [cout])] if bias else [])
        p = k // 2 if pad is None else pad
        return self.node("Conv", ins, name=name, kernel_shape=[k, k], strides=[stride, stride], pads=[p, p, p, p],
                         group=group)

    def bn(self, x, c):
        n = "bn_%d" % (self.count + 1)
        ins = [x] + [self.init("%s.%s" % (n, s), [c], value=np.ones(c) if s == "var" else None)
                     for s in ("scale", "bias", "mean", "var")]
        return self.node("BatchNormalization", ins, name=n)

    def const(self, values, dtype=np.float32):
        self.count += 1
        name = "const_%d" % self.count
        self.nodes.append(helper.make_node("Constant", [], [name], value=numpy_helper.from_array(
            np.asarray(values, dtype=dtype), name)))
        return name

    def model(self, inputs, outputs, opset=OPSET):
        graph = helper.make_graph(self.nodes, "test", inputs, outputs, self.inits)
        return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="test")


def tensor_info(name, shape, dtype=TensorProto.FLOAT):
    return helper.make_tensor_value_info(name, dtype, shape)


def run_tool(model_path, out, *extra):
    return subprocess.run(["/usr/bin/python3", TOOL, model_path, "-o", out] + [str(e) for e in extra],
                          capture_output=True, text=True, cwd=ROOT)


class Onnx2TraceTest(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory()
        self.dir = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()

    def convert(self, model, *extra, name="model"):
        path = os.path.join(self.dir, name + ".onnx")
        onnx.save(model, path)
        out = os.path.join(self.dir, name + ".json")
        r = run_tool(path, out, *extra)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(out) as f:
            trace = json.load(f)
        self.assertEqual(tracelib.check_trace(trace), [])
        binary = os.environ.get("TESSERA_BINARY")
        if binary and os.path.isfile(binary):  # the simulator's own reader must accept it too
            v = subprocess.run([binary, "validate", "--trace", out], capture_output=True, text=True, cwd=ROOT)
            self.assertEqual(v.returncode, 0, v.stdout + v.stderr)
        return trace

    @staticmethod
    def index(trace):
        return {t["name"]: t["shape"] for t in trace["tensors"]}, [op["type"] for op in trace["ops"]]

    @staticmethod
    def macs(trace):
        """Recomputed from shapes with the format's formulas."""
        shapes = {t["name"]: t["shape"] for t in trace["tensors"]}
        total = 0
        for op in trace["ops"]:
            ins = [shapes[i] for i in op["inputs"]]
            y = shapes[op["outputs"][0]]
            if op["type"] == "conv2d":
                total += prod(y) * prod(ins[1][1:])
            elif op["type"] == "conv_transpose2d":
                total += prod(ins[0]) * prod(ins[1][1:])
            elif op["type"] == "matmul":
                total += prod(y) * ins[0][-1]
        return total

    def test_small_cnn_ops_shapes_and_macs(self):
        m = ModelBuilder()
        x = m.conv("image", 3, 8, 3, stride=2)
        x = m.node("Relu", [m.bn(x, 8)])
        x = m.node("MaxPool", [x], kernel_shape=[2, 2], strides=[2, 2])
        x = m.conv(x, 8, 16, 3, bias=False)
        x = m.node("Clip", [x, m.const(0.0), m.const(6.0)])
        x = m.node("GlobalAveragePool", [x])
        x = m.node("Flatten", [x], axis=1)
        x = m.node("Gemm", [x, m.init("fc.w", [10, 16]), m.init("fc.b", [10])], transB=1)
        y = m.node("Softmax", [x], axis=-1)
        trace = self.convert(m.model([tensor_info("image", [1, 3, 32, 32])], [tensor_info(y, [1, 10])]))
        shapes, types = self.index(trace)
        self.assertEqual(types, ["conv2d", "relu", "maxpool2d", "conv2d", "relu6", "global_avgpool", "flatten",
                                 "matmul", "softmax"])
        self.assertEqual(shapes[trace["ops"][0]["outputs"][0]], [1, 8, 16, 16])
        self.assertEqual(len(trace["ops"][0]["inputs"]), 3, "BatchNorm folds into a conv bias")
        self.assertEqual(trace["ops"][7]["attrs"], {"transpose_b": True})
        self.assertEqual(len(trace["ops"][7]["inputs"]), 3, "Gemm's C becomes the matmul bias")
        self.assertEqual(shapes[y], [1, 10])
        expected = 8 * 16 * 16 * 3 * 9 + 16 * 8 * 8 * 8 * 9 + 10 * 16
        self.assertEqual(self.macs(trace), expected)
        self.assertEqual(trace["metadata"]["macs"], expected)
        kinds = {t["name"]: t.get("kind") for t in trace["tensors"]}
        self.assertEqual(kinds["image"], "input")
        self.assertEqual(kinds["fc.w"], "weight")

    def residual_cnn(self, batch_dim="N"):
        """A small ResNet: stem, two stages of two basic blocks (the second stage downsamples with a
        projection), global pool and classifier. Returns the model and its true MACs at batch 1."""
        m = ModelBuilder()
        macs = 0
        h = 64
        x = m.node("Relu", [m.bn(m.conv("input", 3, 16, 3, stride=2, bias=False), 16)])
        h //= 2
        macs += 16 * h * h * 3 * 9
        c = 16
        for stage, cout in enumerate((16, 32)):
            for block in range(2):
                stride = 2 if stage and not block else 1
                hin, h = h, h // stride
                y = m.node("Relu", [m.bn(m.conv(x, c, cout, 3, stride, bias=False), cout)])
                y = m.bn(m.conv(y, cout, cout, 3, bias=False), cout)
                macs += cout * h * h * c * 9 + cout * h * h * cout * 9
                if stride != 1 or c != cout:
                    x = m.bn(m.conv(x, c, cout, 1, stride, pad=0, bias=False), cout)
                    macs += cout * h * h * c
                x = m.node("Relu", [m.node("Add", [y, x])])
                c = cout
                del hin
        x = m.node("GlobalAveragePool", [x])
        x = m.node("Flatten", [x])
        y = m.node("Gemm", [x, m.init("fc.weight", [10, c]), m.init("fc.bias", [10])], transB=1)
        macs += 10 * c
        model = m.model([tensor_info("input", [batch_dim, 3, 64, 64])], [tensor_info(y, [batch_dim, 10])])
        return model, macs, y

    def test_residual_cnn_end_to_end(self):
        model, macs, out = self.residual_cnn()
        trace = self.convert(model)
        shapes, types = self.index(trace)
        self.assertEqual(types.count("conv2d"), 1 + 4 * 2 + 1)
        self.assertEqual(types.count("add"), 4)
        self.assertEqual(types.count("relu"), 1 + 4 * 2)
        self.assertNotIn("mul", types, "every BatchNorm sits after a conv and folds into it")
        self.assertEqual(self.macs(trace), macs)
        self.assertEqual(shapes[out], [1, 10])
        consumed = {i for op in trace["ops"] for i in op["inputs"]}
        produced = [o for op in trace["ops"] for o in op["outputs"]]
        self.assertEqual([o for o in produced if o not in consumed], [out])
        # the symbolic batch axis takes --batch
        trace4 = self.convert(model, "--batch", 4, name="b4")
        self.assertEqual(self.index(trace4)[0][out], [4, 10])
        self.assertEqual(self.macs(trace4), 4 * macs)
        self.assertEqual(trace4["metadata"]["batch"], 4)

    def test_activation_patterns(self):
        m = ModelBuilder()
        x = m.node("Sigmoid", ["x"])
        silu = m.node("Mul", ["x", x])
        hs = m.node("HardSigmoid", [silu])
        hsw = m.node("HardSwish", [hs])
        # GELU as exported by PyTorch: x * 0.5 * (1 + erf(x / sqrt(2)))
        d = m.node("Div", [hsw, m.const(1.4142135)])
        e = m.node("Erf", [d])
        a = m.node("Add", [e, m.const(1.0)])
        g = m.node("Mul", [hsw, a])
        gelu = m.node("Mul", [g, m.const(0.5)])
        t = m.node("Tanh", [gelu])
        y = m.node("Exp", [t])
        trace = self.convert(m.model([tensor_info("x", [2, 8])], [tensor_info(y, [2, 8])]))
        _, types = self.index(trace)
        self.assertEqual(types, ["silu", "hardsigmoid", "hardswish", "gelu", "tanh", "exp"])
        self.assertEqual(trace["ops"][0]["inputs"], ["x"])

    def test_gelu_op_when_onnx_knows_it(self):
        if not onnx.defs.has("Gelu"):
            self.skipTest("this onnx release predates the Gelu op (opset 20)")
        m = ModelBuilder()
        y = m.node("Gelu", ["x"])
        trace = self.convert(m.model([tensor_info("x", [2, 8])], [tensor_info(y, [2, 8])], opset=20))
        self.assertEqual(self.index(trace)[1], ["gelu"])

    def attention_block(self, decomposed_norm):
        """Self-attention with shapes computed at run time from Shape/Gather/Concat, then a layer norm."""
        m = ModelBuilder()
        b, t, d, heads = 2, 16, 64, 4
        hd = d // heads
        q = m.node("Add", [m.node("MatMul", ["x", m.init("wq", [d, d])]), m.init("bq", [d])])
        k = m.node("MatMul", ["x", m.init("wk", [d, d])])
        v = m.node("MatMul", ["x", m.init("wv", [d, d])])
        shape = m.node("Shape", ["x"])
        dims = [m.node("Unsqueeze", [m.node("Gather", [shape, m.const(i, np.int64)], axis=0), m.const([0], np.int64)])
                for i in (0, 1)]
        split_shape = m.node("Concat", dims + [m.const([heads, hd], np.int64)], axis=0)

        def heads_first(z):
            return m.node("Transpose", [m.node("Reshape", [z, split_shape])], perm=[0, 2, 1, 3])
        qh, kh, vh = heads_first(q), heads_first(k), heads_first(v)
        s = m.node("MatMul", [qh, m.node("Transpose", [kh], perm=[0, 1, 3, 2])])
        s = m.node("Mul", [s, m.const(hd ** -0.5)])
        p = m.node("Softmax", [s], axis=-1)
        ctx = m.node("Transpose", [m.node("MatMul", [p, vh])], perm=[0, 2, 1, 3])
        ctx = m.node("Reshape", [ctx, m.const([0, 0, -1], np.int64)])
        o = m.node("MatMul", [ctx, m.init("wo", [d, d])])
        r = m.node("Add", ["x", o])
        if decomposed_norm:
            mean = m.node("ReduceMean", [r], axes=[-1])
            dev = m.node("Sub", [r, mean])
            var = m.node("ReduceMean", [m.node("Pow", [dev, m.const(2.0)])], axes=[-1])
            norm = m.node("Div", [dev, m.node("Sqrt", [m.node("Add", [var, m.const(1e-5)])])])
            y = m.node("Add", [m.node("Mul", [norm, m.init("gamma", [d])]), m.init("beta", [d])])
        else:
            y = m.node("LayerNormalization", [r, m.init("gamma", [d]), m.init("beta", [d])], axis=-1, epsilon=1e-5)
        macs = 4 * b * t * d * d + 2 * b * heads * t * t * hd
        return m.model([tensor_info("x", [b, t, d])], [tensor_info(y, [b, t, d])]), macs, y

    def test_attention_block_folds_shape_arithmetic(self):
        for decomposed in (False, True):
            with self.subTest(decomposed_norm=decomposed):
                model, macs, y = self.attention_block(decomposed)
                trace = self.convert(model, name="attn%d" % decomposed)
                shapes, types = self.index(trace)
                self.assertEqual(self.macs(trace), macs)
                self.assertEqual(types.count("matmul"), 6)
                self.assertEqual(types.count("reshape"), 4)
                self.assertEqual(types.count("layernorm"), 1)
                for folded in ("Shape", "Gather", "Unsqueeze", "Concat", "Constant"):
                    self.assertNotIn(folded.lower(), types)
                norm = next(op for op in trace["ops"] if op["type"] == "layernorm")
                self.assertEqual(norm["attrs"], {"axis": -1, "epsilon": 1e-5} if not decomposed else
                                 {"axis": -1, "epsilon": norm["attrs"]["epsilon"]})
                self.assertAlmostEqual(norm["attrs"]["epsilon"], 1e-5, places=9)
                self.assertEqual(len(norm["inputs"]), 3)
                self.assertEqual(shapes[norm["outputs"][0]], [2, 16, 64])
                self.assertNotIn("x", [t["name"] for t in trace["tensors"] if t.get("kind") == "weight"])

    def test_decoder_style_ops(self):
        m = ModelBuilder()
        x = m.node("ConvTranspose", ["x", m.init("up.w", [8, 4, 2, 2]), m.init("up.b", [4])], strides=[2, 2])
        r = m.node("Resize", ["x", "", m.const([1, 1, 2, 2])], mode="nearest")
        cat = m.node("Concat", [x, r], axis=1)
        a = m.node("AveragePool", [cat], kernel_shape=[3, 3], strides=[1, 1], pads=[1, 1, 1, 1])
        parts = m.node("Split", [a, m.const([4, 8], np.int64)], n_out=2, axis=1)
        sl = m.node("Slice", [parts[1], m.const([2], np.int64), m.const([6], np.int64), m.const([1], np.int64)])
        sq = m.node("Unsqueeze", [sl, m.const([0], np.int64)])
        y = m.node("Squeeze", [sq, m.const([0], np.int64)])
        trace = self.convert(m.model([tensor_info("x", [1, 8, 10, 10])],
                                     [tensor_info(y, [1, 4, 20, 20]), tensor_info(parts[0], [1, 4, 20, 20])]))
        shapes, types = self.index(trace)
        self.assertEqual(types, ["conv_transpose2d", "upsample", "concat", "avgpool2d", "slice", "slice", "slice",
                                 "unsqueeze", "squeeze"])
        ops = {op["type"]: op for op in trace["ops"]}
        self.assertEqual(ops["upsample"]["attrs"], {"scale": [2, 2], "mode": "nearest"})
        self.assertEqual(shapes[ops["concat"]["outputs"][0]], [1, 12, 20, 20])
        self.assertEqual(shapes[y], [1, 4, 20, 20])
        self.assertEqual(self.macs(trace), 1 * 8 * 10 * 10 * 4 * 2 * 2)

    def test_less_common_forms(self):
        m = ModelBuilder()
        # zero Pad before a conv becomes the conv's own (uneven) padding
        x = m.node("Pad", ["x", m.const([0, 0, 1, 1, 0, 0, 2, 2], np.int64)])
        x = m.conv(x, 4, 4, 3, pad=0)
        x = m.node("BatchNormalization", [m.node("Relu", [x])] + [m.init("bn.%s" % s, [4], value=np.ones(4))
                                                                  for s in ("scale", "bias", "mean", "var")])
        x = m.node("Reshape", [x, m.const([1, 4, -1], np.int64)])
        # a 1-D conv runs as a 2-D conv over a height of 1
        x = m.node("Conv", [x, m.init("c1.w", [6, 4, 3])], kernel_shape=[3], pads=[1, 1])
        # RMSNorm as LLaMA-style exports spell it
        ms = m.node("ReduceMean", [m.node("Pow", [x, m.const(2.0)])], axes=[-1])
        inv = m.node("Reciprocal", [m.node("Sqrt", [m.node("Add", [ms, m.const(1e-6)])])])
        y = m.node("Mul", [m.node("Mul", [x, inv]), m.init("rms.w", [81])])
        trace = self.convert(m.model([tensor_info("x", [1, 4, 8, 8])], [tensor_info(y, [1, 6, 81])]))
        shapes, types = self.index(trace)
        self.assertEqual(types, ["conv2d", "relu", "mul", "add", "reshape", "reshape", "conv2d", "reshape", "rmsnorm"])
        self.assertEqual(trace["ops"][0]["attrs"]["padding"], [1, 1, 2, 2])  # top, left, bottom, right
        self.assertEqual(shapes[trace["ops"][0]["outputs"][0]], [1, 4, 9, 9])
        self.assertEqual(shapes["c1.w"], [6, 4, 1, 3])
        self.assertEqual(trace["ops"][-1]["attrs"], {"axis": -1, "epsilon": 1e-6})
        self.assertEqual(shapes[y], [1, 6, 81])
        self.assertEqual(self.macs(trace), 4 * 9 * 9 * 4 * 9 + 6 * 81 * 4 * 3)

    def test_unsupported_ops_listed_once_with_counts(self):
        m = ModelBuilder()
        x = m.node("LeakyRelu", ["x"])
        x = m.node("LeakyRelu", [x])
        x = m.node("Relu", [x])  # supported, downstream of an unsupported op: not reported
        x = m.node("Sin", [x])
        x = m.node("Clip", [x, m.const(-1.0), m.const(1.0)])
        path = os.path.join(self.dir, "bad.onnx")
        onnx.save(m.model([tensor_info("x", [1, 4])], [tensor_info(x, [1, 4])]), path)
        out = os.path.join(self.dir, "bad.json")
        r = run_tool(path, out)
        self.assertEqual(r.returncode, 2)
        self.assertFalse(os.path.exists(out))
        lines = r.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, r.stderr)
        for part in ("LeakyRelu x2", "Sin x1", "Clip x1", "min -1, max 1", "first at node leakyrelu_1",
                     "first at node sin_4"):
            self.assertIn(part, lines[0])
        self.assertNotIn("Relu x", lines[0].replace("LeakyRelu x", ""))

    def test_bad_files_exit_2(self):
        junk = os.path.join(self.dir, "junk.onnx")
        with open(junk, "wb") as f:
            f.write(b"\x08\x07 this is not a protobuf \xff\xff\xff")
        out = os.path.join(self.dir, "out.json")
        for path in (junk, os.path.join(self.dir, "missing.onnx")):
            with self.subTest(path=path):
                r = run_tool(path, out)
                self.assertEqual(r.returncode, 2)
                self.assertIn("error", r.stderr)
                self.assertEqual(len(r.stderr.strip().splitlines()), 1)
                self.assertFalse(os.path.exists(out))
        model, _, _ = self.residual_cnn()
        good = os.path.join(self.dir, "good.onnx")
        onnx.save(model, good)
        self.assertEqual(run_tool(good, out, "--batch", 0).returncode, 2)

    def test_symbolic_dims_need_values(self):
        m = ModelBuilder()
        y = m.node("MatMul", ["x", m.init("w", [32, 8])])
        model = m.model([tensor_info("x", ["batch", "seq", 32])], [tensor_info(y, ["batch", "seq", 8])])
        path = os.path.join(self.dir, "sym.onnx")
        onnx.save(model, path)
        out = os.path.join(self.dir, "sym.json")
        r = run_tool(path, out)
        self.assertEqual(r.returncode, 2)
        self.assertIn("seq", r.stderr)
        trace = self.convert(model, "--dim", "seq=12", "--batch", 3, name="sym_ok")
        self.assertEqual(self.index(trace)[0][y], [3, 12, 8])
        self.assertEqual(self.macs(trace), 3 * 12 * 32 * 8)

    def test_external_weights_are_not_needed(self):
        model, macs, out = self.residual_cnn()
        path = os.path.join(self.dir, "ext.onnx")
        onnx.save_model(model, path, save_as_external_data=True, all_tensors_to_one_file=True,
                        location="ext.weights", size_threshold=0)
        self.assertGreater(os.path.getsize(os.path.join(self.dir, "ext.weights")), 10000)
        first = os.path.join(self.dir, "ext1.json")
        self.assertEqual(run_tool(path, first).returncode, 0)
        os.unlink(os.path.join(self.dir, "ext.weights"))  # shapes alone must do
        second = os.path.join(self.dir, "ext2.json")
        r = run_tool(path, second, "--name", "ext1")
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(first, "rb") as a, open(second, "rb") as b:
            self.assertEqual(a.read(), b.read())
        with open(second) as f:
            trace = json.load(f)
        self.assertEqual(self.macs(trace), macs)
        self.assertEqual(tracelib.check_trace(trace), [])

    def test_deterministic_output(self):
        model, _, _ = self.residual_cnn()
        path = os.path.join(self.dir, "det.onnx")
        onnx.save(model, path)
        outs = [os.path.join(self.dir, "det%d.json" % k) for k in range(2)]
        for o in outs:
            self.assertEqual(run_tool(path, o, "--name", "det").returncode, 0)
        with open(outs[0], "rb") as a, open(outs[1], "rb") as b:
            self.assertEqual(a.read(), b.read())


if __name__ == "__main__":
    unittest.main()
