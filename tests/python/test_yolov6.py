"""Checks scripts/gen_yolov6.py against the published YOLOv6 (tag 0.1.0) README table.

Counts here are recomputed from tensor shapes, not taken from the generator, so a bug in the
generator's own bookkeeping cannot hide a wrong network.
"""

import json
import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GEN = os.path.join(ROOT, "scripts", "gen_yolov6.py")
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import tracelib  # noqa: E402

# README of tag 0.1.0: params (M) and FLOPs (G) of the deployed models.
README = {
    ("n", 640): (4.3, 11.1),
    ("n", 416): (4.3, 4.7),
    ("tiny", 640): (15.0, 36.7),
    ("s", 640): (17.2, 44.2),
}
# SimConv layers keep an unfused BatchNorm in the released model; the README's profiler counted it.
SIMCONV_PREFIXES = ("neck.reduce_layer0.", "neck.reduce_layer1.", "neck.downsample2.", "neck.downsample1.",
                    "backbone.ERBlock_5.2.cv1.", "backbone.ERBlock_5.2.cv2.")


def prod(shape):
    n = 1
    for d in shape:
        n *= d
    return n


def tessera_binary():
    """The simulator (TESSERA_BINARY under ctest, else build/tessera), or None when it is not built."""
    for path in (os.environ.get("TESSERA_BINARY"), os.path.join(ROOT, "build", "tessera")):
        if path and os.path.isfile(path):
            return path
    return None


def run_gen(*args):
    return subprocess.run([sys.executable, GEN] + list(args), capture_output=True, text=True, cwd=ROOT)


class Counts:
    """Params, true MACs and README-convention ops of one trace, from shapes alone."""

    def __init__(self, trace):
        shapes = {t["name"]: t["shape"] for t in trace["tensors"]}
        self.params = self.true_macs = self.readme_ops = 0
        self.convs = self.deconvs = 0
        for op in trace["ops"]:
            if op["type"] not in ("conv2d", "conv_transpose2d"):
                continue
            x, w = shapes[op["inputs"][0]], shapes[op["inputs"][1]]
            y = shapes[op["outputs"][0]]
            self.params += sum(prod(shapes[i]) for i in op["inputs"][1:])
            if op["type"] == "conv2d":
                self.convs += 1
                per_output = w[1] * w[2] * w[3]
                self.true_macs += prod(y) * per_output
                if op["name"].startswith(SIMCONV_PREFIXES):
                    # bias-free conv followed by a BatchNorm: 2 ops per element for the BN
                    self.readme_ops += prod(y) * (per_output + 2)
                else:
                    self.readme_ops += prod(y) * (per_output + 1)  # one op per output for the bias
            else:
                self.deconvs += 1
                c_in, c_out_g, kh, kw = w
                self.true_macs += prod(x) * c_out_g * kh * kw
                # the profiler treated it like a conv: every output sums C_in * k^2 products (4x the truth)
                self.readme_ops += prod(y) * (c_in * kh * kw + 1)


class YoloV6Test(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.traces = {}
        for model, img in README:
            path = os.path.join(cls.tmp.name, "%s_%d.json" % (model, img))
            r = run_gen("--model", model, "--img", str(img), "-o", path)
            if r.returncode != 0:
                raise RuntimeError(r.stderr)
            with open(path) as f:
                cls.traces[(model, img)] = json.load(f)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_params_match_readme(self):
        for key, (params_m, _) in README.items():
            with self.subTest(model=key):
                params = Counts(self.traces[key]).params
                self.assertLess(abs(params / 1e6 - params_m) / params_m, 0.01, params)

    def test_flops_match_readme_with_its_counting_rules(self):
        for key, (_, flops_g) in README.items():
            with self.subTest(model=key):
                flops = 2 * Counts(self.traces[key]).readme_ops / 1e9
                self.assertLess(abs(flops - flops_g) / flops_g, 0.01, flops)

    def test_true_macs_are_the_conv_sum_and_just_under_readme(self):
        for key, (_, flops_g) in README.items():
            with self.subTest(model=key):
                trace = self.traces[key]
                counts = Counts(trace)
                self.assertEqual(counts.true_macs, trace["metadata"]["macs"])
                # every other op type is MAC-free
                total, per_type = tracelib.trace_macs(trace)
                self.assertEqual(set(t for t, m in per_type.items() if m), {"conv2d", "conv_transpose2d"})
                ratio = 2 * counts.true_macs / 1e9 / flops_g
                self.assertTrue(0.98 < ratio < 1.0, ratio)

    def test_known_totals(self):
        # Exact true MAC counts of the deployed networks at 640 (regression guard).
        self.assertEqual(Counts(self.traces[("n", 640)]).true_macs, 5520742400)
        self.assertEqual(Counts(self.traces[("s", 640)]).true_macs, 21933568000)
        self.assertEqual(Counts(self.traces[("n", 640)]).params, 4317439)
        self.assertEqual(Counts(self.traces[("s", 640)]).params, 17220863)

    def test_weight_tensors_are_the_params_and_constants_are_not(self):
        exact = {("n", 640): 4317439, ("n", 416): 4317439, ("tiny", 640): 14970943, ("s", 640): 17220863}
        for key, params in exact.items():
            with self.subTest(model=key):
                trace = self.traces[key]
                self.assertEqual(Counts(trace).params, params)
                weights = [t for t in trace["tensors"] if t.get("kind") == "weight"]
                self.assertEqual(sum(prod(t["shape"]) for t in weights), params)
                self.assertEqual(tracelib.trace_params(trace), params)
                self.assertEqual(trace["metadata"]["params"], params)
                # the decode grid and stride are fixed data: kind "constant", 2 values per cell + 1 per level
                constants = {t["name"]: t["shape"] for t in trace["tensors"] if t.get("kind") == "constant"}
                self.assertEqual(sorted(constants), sorted("detect.decode.%d.%s" % (i, s)
                                                           for i in range(3) for s in ("grid", "stride")))
                cells = sum((key[1] // s) ** 2 for s in (8, 16, 32))
                self.assertEqual(sum(prod(s) for s in constants.values()), 2 * cells + 3)

    def test_trace_info_counts_the_readme_params(self):
        binary = tessera_binary()
        if not binary:
            self.skipTest("tessera not built (TESSERA_BINARY unset and no build/tessera)")
        for model, img in ((("n", 640), ("tiny", 640), ("s", 640))):
            with self.subTest(model=model):
                path = os.path.join(self.tmp.name, "%s_%d.json" % (model, img))
                r = subprocess.run([binary, "trace-info", "--json", path], capture_output=True, text=True, cwd=ROOT)
                self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
                info = json.loads(r.stdout)
                self.assertEqual(sum(op["params"] for op in info["ops"]), Counts(self.traces[(model, img)]).params)
                self.assertEqual(info["params"], self.traces[(model, img)]["metadata"]["params"])

    def test_layer_counts(self):
        for key, convs in ((("n", 640), 59), (("s", 640), 59), (("tiny", 640), 52)):
            with self.subTest(model=key):
                c = Counts(self.traces[key])
                self.assertEqual((c.convs, c.deconvs), (convs, 2))

    def test_shapes_chain_from_images_to_detections(self):
        for key in README:
            with self.subTest(model=key):
                self.check_chain(self.traces[key], key[1])

    def check_chain(self, trace, img):
        shapes = {t["name"]: t["shape"] for t in trace["tensors"]}
        kinds = {t["name"]: t.get("kind", "activation") for t in trace["tensors"]}
        self.assertEqual([n for n, k in kinds.items() if k == "input"], ["images"])
        self.assertEqual(shapes["images"], [1, 3, img, img])
        available = {n for n, k in kinds.items() if k != "activation"}
        consumed = set()
        for op in trace["ops"]:
            for i in op["inputs"]:
                self.assertIn(i, available, "%s reads %s before it exists" % (op["name"], i))
            consumed.update(op["inputs"])
            self.assertEqual(op["outputs"], [op["name"]], "each op writes its own tensor")
            if op["type"] == "conv2d":
                n, c, h, w = shapes[op["inputs"][0]]
                k, cg, kh, kw = shapes[op["inputs"][1]]
                a = op["attrs"]
                self.assertEqual(cg * a["groups"], c)
                ho = (h + 2 * a["padding"][0] - kh) // a["stride"][0] + 1
                wo = (w + 2 * a["padding"][1] - kw) // a["stride"][1] + 1
                self.assertEqual(shapes[op["outputs"][0]], [n, k, ho, wo], op["name"])
            elif op["type"] == "conv_transpose2d":
                n, c, h, w = shapes[op["inputs"][0]]
                self.assertEqual(shapes[op["outputs"][0]], [n, shapes[op["inputs"][1]][1], 2 * h, 2 * w])
            available.update(op["outputs"])
        outputs = [n for n, k in kinds.items() if k == "activation" and n not in consumed]
        cells = sum((img // s) ** 2 for s in (8, 16, 32))
        self.assertEqual(outputs, ["detect.output"])
        self.assertEqual(shapes["detect.output"], [1, cells, 85])
        if img == 640:
            self.assertEqual(cells, 8400)
        self.assertEqual(tracelib.check_trace(trace), [])

    def test_names_and_activations(self):
        trace = self.traces[("n", 640)]
        ops = {op["name"]: op for op in trace["ops"]}
        for name in ("backbone.stem.conv", "backbone.ERBlock_3.1.block.0.conv", "backbone.ERBlock_3.1.block.0.relu",
                     "backbone.ERBlock_5.2.cv1.conv", "neck.Rep_p4.conv1.conv", "neck.upsample0.conv_transpose",
                     "detect.cls_convs.0.conv", "detect.cls_convs.0.silu", "detect.decode.2.wh_exp",
                     "detect.output"):
            self.assertIn(name, ops)
        types = [op["type"] for op in trace["ops"]]
        self.assertEqual(types.count("silu"), 9)  # stem, cls and reg convs of three levels
        self.assertEqual(types.count("sigmoid"), 6)  # obj and cls of three levels
        self.assertEqual(types.count("exp"), 3)
        self.assertEqual(types.count("maxpool2d"), 3)
        weights = [t for t in trace["tensors"] if t.get("kind") == "weight"]
        conv_weights = {i for op in trace["ops"] if op["type"].startswith("conv") for i in op["inputs"][1:]}
        self.assertTrue(conv_weights <= {t["name"] for t in weights})

    def test_batch_scales_everything(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "b2.json")
            self.assertEqual(run_gen("--model", "n", "--batch", "2", "-o", path).returncode, 0)
            with open(path) as f:
                trace = json.load(f)
        shapes = {t["name"]: t["shape"] for t in trace["tensors"]}
        self.assertEqual(shapes["detect.output"], [2, 8400, 85])
        self.assertEqual(Counts(trace).true_macs, 2 * Counts(self.traces[("n", 640)]).true_macs)

    def test_deterministic_and_shipped_traces_are_current(self):
        with tempfile.TemporaryDirectory() as d:
            for model, shipped in (("n", "yolov6n_640.json"), ("tiny", "yolov6_tiny_640.json"),
                                   ("s", "yolov6s_640.json")):
                a, b = os.path.join(d, "a.json"), os.path.join(d, "b.json")
                run_gen("--model", model, "-o", a)
                run_gen("--model", model, "-o", b)
                with open(a, "rb") as fa, open(b, "rb") as fb, open(os.path.join(ROOT, "traces", shipped), "rb") as fs:
                    data = fa.read()
                    self.assertEqual(data, fb.read())
                    self.assertEqual(data, fs.read(), "traces/%s is stale: regenerate it" % shipped)
            self.assertEqual(sorted(os.listdir(d)), ["a.json", "b.json"], "no temporary files left behind")

    def test_bad_arguments_exit_2_without_output(self):
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "x.json")
            for args in (["--model", "m"], ["--model", "n", "--img", "650"], ["--model", "n", "--batch", "0"],
                         ["--model", "n", "--img", "abc"]):
                with self.subTest(args=args):
                    r = run_gen(*(args + ["-o", out]))
                    self.assertEqual(r.returncode, 2)
                    self.assertTrue(r.stderr.strip())
                    self.assertFalse(os.path.exists(out))


if __name__ == "__main__":
    unittest.main()
