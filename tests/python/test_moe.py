"""Checks scripts/gen_moe.py: published per-layer MACs and params, routing counts, capacity drops,
determinism and argument errors. MACs are recomputed here from tensor shapes."""

import json
import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GEN = os.path.join(ROOT, "scripts", "gen_moe.py")
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import tracelib  # noqa: E402

# Per-layer totals for 128 tokens, batch 1, balanced routing and no capacity limit (full T x T attention).
MIXTRAL_MACS = 50_604_277_760
MIXTRAL_PARAMS = 1_451_270_144
MIXTRAL_EXPERT_MACS = 45_097_156_608
MIXTRAL_ATTENTION_MATMUL_MACS = 134_217_728  # QK^T + PV
SWITCH_MACS = 931_921_920
SWITCH_PARAMS = 40_115_712


def tessera_binary():
    """The simulator (TESSERA_BINARY under ctest, else build/tessera), or None when it is not built."""
    for path in (os.environ.get("TESSERA_BINARY"), os.path.join(ROOT, "build", "tessera")):
        if path and os.path.isfile(path):
            return path
    return None


def trace_info_params(path):
    """Params as `tessera trace-info --json` counts them: the sum of "params" over the ops."""
    r = subprocess.run([tessera_binary(), "trace-info", "--json", path], capture_output=True, text=True, cwd=ROOT)
    if r.returncode != 0:
        raise AssertionError(r.stdout + r.stderr)
    return sum(op["params"] for op in json.loads(r.stdout)["ops"])


def prod(shape):
    n = 1
    for d in shape:
        n *= d
    return n


def matmul_macs(op, shapes):
    a, b = shapes[op["inputs"][0]], shapes[op["inputs"][1]]
    m, k = a[-2], a[-1]
    n = b[-2] if op.get("attrs", {}).get("transpose_b") else b[-1]
    batch = prod(shapes[op["outputs"][0]][:-2])
    return batch * m * n * k


class Generated:
    """Runs the generator into a temporary directory and loads the result."""

    def __init__(self, tmpdir, *args):
        self.path = os.path.join(tmpdir, "t%d.json" % len(os.listdir(tmpdir)))
        self.result = subprocess.run([sys.executable, GEN] + list(args) + ["-o", self.path],
                                     capture_output=True, text=True, cwd=ROOT)
        self.trace = None
        if self.result.returncode == 0:
            with open(self.path) as f:
                self.trace = json.load(f)
            self.shapes = {t["name"]: t["shape"] for t in self.trace["tensors"]}
            self.ops = {op["name"]: op for op in self.trace["ops"]}

    def macs(self, select=lambda op: True):
        return sum(matmul_macs(op, self.shapes) for op in self.trace["ops"] if op["type"] == "matmul" and select(op))

    def params(self):
        return sum(prod(t["shape"]) for t in self.trace["tensors"]
                   if t.get("kind") == "weight" and t["name"].endswith(".weight"))

    def kind(self, kind):
        return [t["name"] for t in self.trace["tensors"] if t.get("kind") == kind]

    def elements(self, kind):
        return sum(prod(t["shape"]) for t in self.trace["tensors"] if t.get("kind") == kind)

    def dispatch(self):
        return next(op for op in self.trace["ops"] if op["type"] == "moe_dispatch")

    def counts(self):
        return self.dispatch()["attrs"]["tokens_per_expert"]


class MoETest(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory()
        self.tmp = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()

    def gen(self, *args):
        g = Generated(self.tmp, *[str(a) for a in args])
        self.assertEqual(g.result.returncode, 0, g.result.stderr)
        self.assertEqual(tracelib.check_trace(g.trace), [])
        return g

    def write_assignment(self, rows):
        path = os.path.join(self.tmp, "assignment.json")
        with open(path, "w") as f:
            json.dump(rows, f)
        return path

    def test_mixtral_balanced_layer_totals(self):
        g = self.gen("--model", "mixtral-8x7b", "--tokens", 128, "--routing", "balanced")
        self.assertEqual(g.macs(), MIXTRAL_MACS)
        self.assertEqual(g.params(), MIXTRAL_PARAMS)
        self.assertEqual(g.macs(lambda op: op.get("group", "").startswith("expert.")), MIXTRAL_EXPERT_MACS)
        self.assertEqual(g.macs(lambda op: op["name"] in ("self_attn.scores", "self_attn.pv")),
                         MIXTRAL_ATTENTION_MATMUL_MACS)
        self.assertEqual(g.counts(), [32] * 8)
        self.assertEqual(g.trace["metadata"]["macs"], MIXTRAL_MACS)
        self.assertEqual(g.trace["metadata"]["params"], MIXTRAL_PARAMS)
        # every matmul MAC is counted the same way by the shared library
        self.assertEqual(tracelib.trace_macs(g.trace)[0], MIXTRAL_MACS)

    def test_mixtral_block_structure(self):
        g = self.gen("--model", "mixtral-8x7b", "--tokens", 16)
        types = [op["type"] for op in g.trace["ops"]]
        for t in ("rmsnorm", "softmax", "moe_topk", "moe_dispatch", "moe_combine", "silu"):
            self.assertIn(t, types)
        for name in ("self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
                     "block_sparse_moe.gate", "block_sparse_moe.experts.3.w1", "block_sparse_moe.experts.3.w3",
                     "block_sparse_moe.experts.3.w2", "residual_attention", "residual_moe"):
            self.assertIn(name, g.ops)
        self.assertEqual(g.shapes["self_attn.k_proj.weight"], [1024, 4096])
        self.assertEqual(g.shapes["block_sparse_moe.topk.indices"], [16, 2])
        self.assertEqual(g.shapes["residual_moe"], [1, 16, 4096])
        for e in range(8):
            expert_ops = [op for op in g.trace["ops"] if op.get("group") == "expert.%d" % e]
            self.assertEqual(sorted(op["type"] for op in expert_ops), ["matmul"] * 3 + ["mul", "silu"])

    def test_switch_sparse_block_totals(self):
        g = self.gen("--model", "switch-base-8", "--tokens", 128)
        self.assertEqual(g.macs(), SWITCH_MACS)
        self.assertEqual(g.params(), SWITCH_PARAMS)
        self.assertEqual(g.counts(), [16] * 8)
        expert_types = sorted(op["type"] for op in g.trace["ops"] if op.get("group") == "expert.0")
        self.assertEqual(expert_types, ["matmul", "matmul", "relu"])
        self.assertEqual(g.shapes["layer.0.SelfAttention.q.weight"], [768, 768])

    def test_zipf_changes_counts_but_keeps_every_row(self):
        balanced = self.gen("--model", "mixtral-8x7b", "--tokens", 128).counts()
        mild = self.gen("--model", "mixtral-8x7b", "--tokens", 128, "--routing", "zipf", "--skew", 0.5, "--seed", 3)
        steep = self.gen("--model", "mixtral-8x7b", "--tokens", 128, "--routing", "zipf", "--skew", 2.0, "--seed", 3)
        for g in (mild, steep):
            self.assertEqual(sum(g.counts()), 128 * 2)
            self.assertEqual(g.dispatch()["attrs"].get("dropped_tokens", 0), 0)
            self.assertNotEqual(g.counts(), balanced)
        self.assertNotEqual(mild.counts(), steep.counts())
        self.assertEqual(max(steep.counts()), steep.counts()[0])
        self.assertGreater(steep.counts()[0], mild.counts()[0])
        # expert tensors carry exactly n_e rows, and the expert MACs follow them
        for e, n in enumerate(steep.counts()):
            self.assertEqual(steep.shapes["block_sparse_moe.dispatch.%d" % e], [n, 4096])
            self.assertEqual(steep.shapes["block_sparse_moe.experts.%d.w2" % e], [n, 4096])
        self.assertEqual(steep.macs(lambda op: op.get("group", "").startswith("expert.")), 256 * 3 * 4096 * 14336)

    def test_uniform_routing_sums_to_tokens_times_k(self):
        g = self.gen("--model", "switch-base-8", "--tokens", 50, "--batch", 2, "--routing", "uniform", "--seed", 7)
        self.assertEqual(sum(g.counts()), 100)
        combine = next(op for op in g.trace["ops"] if op["type"] == "moe_combine")
        self.assertEqual(combine["attrs"]["tokens_per_expert"], g.counts())

    def test_capacity_factor_drops_the_overflow(self):
        # 16 tokens all routed to experts 0 and 1; capacity ceil(1.0 * 16 * 2 / 8) = 4 per expert.
        path = self.write_assignment([[0, 1]] * 16)
        g = self.gen("--model", "mixtral-8x7b", "--tokens", 16, "--routing", "list", "--assignment", path,
                     "--capacity-factor", 1.0)
        self.assertEqual(g.counts(), [4, 4, 0, 0, 0, 0, 0, 0])
        self.assertEqual(g.dispatch()["attrs"]["dropped_tokens"], 24)
        self.assertEqual(g.trace["metadata"]["dropped_tokens"], 24)
        self.assertEqual(g.shapes["block_sparse_moe.dispatch.5"], [0, 4096])
        self.assertEqual(g.shapes["block_sparse_moe.experts.5.w1"], [0, 14336])
        # capacity is per sequence: two sequences of 16 get 4 slots per expert each
        path = self.write_assignment([[0, 1]] * 32)
        g = self.gen("--model", "mixtral-8x7b", "--tokens", 16, "--batch", 2, "--routing", "list",
                     "--assignment", path, "--capacity-factor", 1.0)
        self.assertEqual(g.counts(), [8, 8, 0, 0, 0, 0, 0, 0])
        self.assertEqual(g.dispatch()["attrs"]["dropped_tokens"], 48)

    def test_capacity_with_random_routing(self):
        free = self.gen("--model", "mixtral-8x7b", "--tokens", 128, "--routing", "zipf", "--seed", 5)
        capped = self.gen("--model", "mixtral-8x7b", "--tokens", 128, "--routing", "zipf", "--seed", 5,
                          "--capacity-factor", 1.25)
        capacity = 40  # ceil(1.25 * 128 * 2 / 8)
        expected = [min(n, capacity) for n in free.counts()]
        self.assertEqual(capped.counts(), expected)
        self.assertEqual(capped.dispatch()["attrs"]["dropped_tokens"], 256 - sum(expected))
        self.assertGreater(capped.dispatch()["attrs"]["dropped_tokens"], 0)

    def test_fixed_expert_capacity(self):
        # Switch-Base-8's config caps experts at 64 tokens per sequence; without a flag nothing is dropped.
        path = self.write_assignment([3] * 100)
        g = self.gen("--model", "switch-base-8", "--tokens", 100, "--routing", "list", "--assignment", path)
        self.assertEqual(g.counts(), [0, 0, 0, 100, 0, 0, 0, 0])
        self.assertEqual(g.dispatch()["attrs"]["dropped_tokens"], 0)
        g = self.gen("--model", "switch-base-8", "--tokens", 100, "--routing", "list", "--assignment", path,
                     "--expert-capacity", 64)
        self.assertEqual(g.counts(), [0, 0, 0, 64, 0, 0, 0, 0])
        self.assertEqual(g.dispatch()["attrs"]["dropped_tokens"], 36)
        self.assertEqual(g.trace["metadata"]["dropped_tokens"], 36)

    def test_flags_override_dims(self):
        g = self.gen("--model", "mixtral-8x7b", "--d-model", 256, "--d-ff", 512, "--experts", 4, "--top-k", 1,
                     "--heads", 8, "--kv-heads", 2, "--tokens", 32)
        self.assertEqual(g.shapes["self_attn.q_proj.weight"], [256, 256])
        self.assertEqual(g.shapes["self_attn.k_proj.weight"], [64, 256])
        self.assertEqual(g.shapes["block_sparse_moe.experts.0.w1.weight"], [512, 256])
        self.assertEqual(g.counts(), [8, 8, 8, 8])
        attention = 2 * 32 * 256 * 256 + 2 * 32 * 64 * 256 + 2 * 8 * 32 * 32 * 32
        self.assertEqual(g.macs(), attention + 32 * 4 * 256 + 3 * 32 * 256 * 512)

    def test_same_seed_same_bytes(self):
        args = ("--model", "switch-base-8", "--tokens", 64, "--routing", "zipf", "--seed", 1)
        a, b = self.gen(*args), self.gen(*args)
        with open(a.path, "rb") as fa, open(b.path, "rb") as fb:
            self.assertEqual(fa.read(), fb.read())
        c = self.gen("--model", "switch-base-8", "--tokens", 64, "--routing", "zipf", "--seed", 2)
        self.assertNotEqual(a.counts(), c.counts())

    def test_shipped_traces_are_current(self):
        shipped_args = {
            "mixtral_moe_128.json": ("--model", "mixtral-8x7b", "--tokens", 128, "--routing", "balanced"),
            "switch_moe_64.json": ("--model", "switch-base-8", "--tokens", 64, "--routing", "zipf", "--seed", 1),
        }
        for shipped, args in shipped_args.items():
            g = self.gen(*args)
            with open(g.path, "rb") as fg, open(os.path.join(ROOT, "traces", shipped), "rb") as fs:
                self.assertEqual(fg.read(), fs.read(), "traces/%s is stale: regenerate it" % shipped)

    def test_params_are_exactly_the_weight_tensors(self):
        for args, params, constants, inputs in (
                (("--model", "mixtral-8x7b", "--tokens", 128), MIXTRAL_PARAMS,
                 ["rope.cos", "rope.sin_signed", "self_attn.scaling", "attention_mask"], ["hidden_states"]),
                (("--model", "switch-base-8", "--tokens", 128), SWITCH_PARAMS, [],
                 ["hidden_states", "position_bias"])):
            with self.subTest(model=args[1]):
                g = self.gen(*args)
                # every weight is a learned matrix or norm scale; fixed data is "constant"
                self.assertEqual(g.elements("weight"), params)
                self.assertTrue(all(n.endswith(".weight") for n in g.kind("weight")))
                self.assertEqual(g.kind("constant"), constants)
                self.assertEqual(sorted(g.kind("input")), sorted(inputs))
                self.assertEqual(tracelib.trace_params(g.trace), params)
                self.assertEqual(g.trace["metadata"]["params"], params)
                if tessera_binary():
                    self.assertEqual(trace_info_params(g.path), params)

    def test_bad_arguments_exit_2_without_output(self):
        bad_rows = self.write_assignment([[0, 0]] * 8)
        cases = [
            ("--model", "gpt"),
            ("--model", "mixtral-8x7b"),  # no --tokens
            ("--model", "mixtral-8x7b", "--tokens", 0),
            ("--model", "mixtral-8x7b", "--tokens", 8, "--top-k", 9),
            ("--model", "mixtral-8x7b", "--tokens", 8, "--heads", 32, "--kv-heads", 5),
            ("--model", "mixtral-8x7b", "--tokens", 8, "--skew", 2),
            ("--model", "mixtral-8x7b", "--tokens", 8, "--routing", "list"),
            ("--model", "mixtral-8x7b", "--tokens", 8, "--routing", "list", "--assignment", bad_rows),
            ("--model", "mixtral-8x7b", "--tokens", 4, "--routing", "list", "--assignment", bad_rows),
            ("--model", "mixtral-8x7b", "--tokens", 8, "--routing", "list", "--assignment", "/nonexistent.json"),
            ("--model", "mixtral-8x7b", "--tokens", 8, "--capacity-factor", 0),
            ("--model", "mixtral-8x7b", "--tokens", 8, "--capacity-factor", 1, "--expert-capacity", 4),
        ]
        for args in cases:
            with self.subTest(args=args):
                g = Generated(self.tmp, *[str(a) for a in args])
                self.assertEqual(g.result.returncode, 2, g.result.stderr)
                self.assertIn("error", g.result.stderr)
                self.assertFalse(os.path.exists(g.path))


if __name__ == "__main__":
    unittest.main()
