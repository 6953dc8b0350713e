"""tessera run --system: a trace split over a system's chips (mapper.parallel, docs/systems.md).

Each case checks the split against a second, independent way of getting the same number: a chip's share
against a one-chip run of a trace written at that share, a collective's bytes against its closed form and
its time against `tessera collective` on the same collective, the experts' work against the trace's routing.
"""

import json
import os
import subprocess
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("TESSERA_BINARY") or os.path.join(ROOT, "build", "tessera")
N300 = "configs/systems/n300.json"
T3000 = "configs/systems/t3000.json"
CHIP = "configs/wormhole_n150.json"  # the chip of both presets


def tessera(*args, expect=0):
    p = subprocess.run([BINARY] + [str(a) for a in args], cwd=ROOT, capture_output=True, text=True)
    if p.returncode != expect:
        raise AssertionError("tessera %s: exit %d, expected %d\n%s%s" % (" ".join(map(str, args)), p.returncode,
                                                                          expect, p.stdout, p.stderr))
    return p


def report(*args):
    return json.loads(tessera(*args, "--json", "-q").stdout)


def gen(script, out, *args):
    subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "scripts", script)] + [str(a) for a in args] + ["-o", out],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def mlp_trace(path, rows, d, f):
    """x [rows, d] -> matmul W1 [d, f] -> gelu -> matmul W2 [f, d]: Megatron's MLP block."""
    trace = {
        "format": "tessera-trace", "version": 1, "name": "mlp",
        "tensors": [
            {"name": "x", "shape": [rows, d], "kind": "input"},
            {"name": "w1", "shape": [d, f], "kind": "weight"},
            {"name": "h", "shape": [rows, f]},
            {"name": "a", "shape": [rows, f]},
            {"name": "w2", "shape": [f, d], "kind": "weight"},
            {"name": "y", "shape": [rows, d]},
        ],
        "ops": [
            {"name": "up", "type": "matmul", "inputs": ["x", "w1"], "outputs": ["h"]},
            {"name": "act", "type": "gelu", "inputs": ["h"], "outputs": ["a"]},
            {"name": "down", "type": "matmul", "inputs": ["a", "w2"], "outputs": ["y"]},
        ],
    }
    with open(path, "w") as fh:
        json.dump(trace, fh)
    return path


class SystemRun(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.dir = cls.tmp.name

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def path(self, name):
        return os.path.join(self.dir, name)

    def test_data_parallel_chip_equals_one_chip_at_its_share(self):
        # YOLOv6-n at batch 2 on an n300: each chip runs batch 1, so each chip's cycles are those of one
        # chip running a batch-1 trace generated separately; no byte crosses a link. Both schedules.
        b2, b1 = self.path("y2.json"), self.path("y1.json")
        gen("gen_yolov6.py", b2, "--model", "n", "--img", 64, "--batch", 2)
        gen("gen_yolov6.py", b1, "--model", "n", "--img", 64, "--batch", 1)
        for schedule in ("fused", "op_by_op"):
            with self.subTest(schedule=schedule):
                one = report("run", "-c", CHIP, "-t", b1, "--set", "mapper.schedule=" + schedule)
                sys = report("run", "--system", N300, "--trace", b2, "--set", "mapper.schedule=" + schedule)
                self.assertEqual(sys["parallel"], "data")
                for d in sys["devices"]:
                    self.assertEqual(d["busy_cycles"], one["total_cycles"])
                    self.assertEqual(d["macs"], one["macs"])
                self.assertEqual(sys["total_cycles"], one["total_cycles"])
                self.assertEqual(sys["ethernet"], [])

    def test_tensor_parallel_mlp(self):
        for schedule in ("fused", "op_by_op"):
            with self.subTest(schedule=schedule):
                self.check_tensor_parallel_mlp("--set", "mapper.schedule=" + schedule)

    def check_tensor_parallel_mlp(self, *schedule):
        rows, d, f = 64, 512, 2048
        whole = mlp_trace(self.path("mlp.json"), rows, d, f)
        sys = report("run", "--system", N300, "--trace", whole, "--set", "mapper.parallel=tensor", *schedule)
        # Megatron's split: the first matmul by columns, the second by rows, one all_reduce of the output
        # (rows x d in bf16 per chip) and no all_gather.
        stage = sys["stages"][0]
        self.assertEqual(len(sys["stages"]), 1)
        self.assertEqual([c["op"] for c in stage["collectives"]], ["all_reduce"])
        ar = stage["collectives"][0]
        self.assertEqual(ar["bytes_per_chip"], rows * d * 2)
        # Each chip's share is the MLP with half of f: the same cycles as one chip running that trace.
        half = report("run", "-c", CHIP, "-t", mlp_trace(self.path("mlp_half.json"), rows, d, f // 2), *schedule)
        for c in stage["chips"]:
            self.assertEqual(c["cycles"], half["total_cycles"])
            self.assertEqual(c["macs"], rows * d * f // 2 * 2)
        # The all_reduce takes what tessera collective says the same all_reduce takes (n300: a 2-chip line
        # on both links), and the system's time is the chips' then the collective's.
        ct = self.path("ar.json")
        gen("gen_collective.py", ct, "--op", "all_reduce", "--chips", 2, "--topology", "line", "--links", 2,
            "--bytes-per-chip", rows * d * 2, "--dtype", "bf16")
        alone = json.loads(tessera("collective", "--system", N300, "--trace", ct, "--json").stdout)
        self.assertEqual(ar["cycles"], alone["total_cycles"])
        self.assertEqual(sys["total_cycles"], half["total_cycles"] + ar["cycles"])
        # Closed form of the bytes on the wire: reduce_scatter sends half of the buffer each way, the
        # all_gather the other half back, each over 2 links: B / 2 per link direction.
        self.assertEqual(len(sys["ethernet"]), 4)
        for link in sys["ethernet"]:
            self.assertEqual(link["payload_bytes"], rows * d * 2 // 2)

    def test_parallel_mode_changes_the_run(self):
        # Knob liveness: the same trace data-parallel (rows split, nothing exchanged) and tensor-parallel
        # (weights split, an all_reduce) gives different runs.
        whole = mlp_trace(self.path("mlp_live.json"), 64, 512, 2048)
        data = report("run", "--system", N300, "--trace", whole, "--set", "mapper.parallel=data")
        tensor = report("run", "--system", N300, "--trace", whole, "--set", "mapper.parallel=tensor")
        self.assertEqual(data["ethernet"], [])
        self.assertGreater(sum(l["payload_bytes"] for l in tensor["ethernet"]), 0)
        self.assertNotEqual(data["total_cycles"], tensor["total_cycles"])
        self.assertEqual(data["devices"][0]["macs"], 32 * 512 * 2048 * 2)

    def test_set_reaches_the_system_or_the_chips(self):
        # --set ethernet.* changes the system file (a slower link: a slower all_reduce, the chips as they
        # were); any other key every chip's config (a faster NoC model: the chips change).
        whole = mlp_trace(self.path("mlp_set.json"), 64, 512, 2048)
        base = report("run", "--system", N300, "--trace", whole, "--set", "mapper.parallel=tensor")
        slow = report("run", "--system", N300, "--trace", whole, "--set", "mapper.parallel=tensor",
                      "--set", "ethernet.gbytes_per_s=6")
        ideal = report("run", "--system", N300, "--trace", whole, "--set", "mapper.parallel=tensor",
                       "--set", "noc.model=ideal")
        self.assertGreater(slow["collective_cycles"], base["collective_cycles"])
        self.assertEqual(slow["compute_cycles"], base["compute_cycles"])
        self.assertNotEqual(ideal["compute_cycles"], base["compute_cycles"])

    def test_tensor_parallel_mixtral_decode(self):
        # Mixtral-8x7B decode (batch 32, one new token, 128 cached) on a T3000: q, k, v by heads (32 and 8
        # over 8 chips), the KV cache cut by heads with them, o_proj and every expert's w2 by rows, the
        # 8-column gate whole: two all_reduces of the 32 x 4096 bf16 hidden state and no all_gather, and each
        # chip does 1/8 of the MACs but the gate's (32 x 4096 x 8), which every chip does.
        trace = self.path("mixtral_decode.json")
        gen("gen_moe.py", trace, "--model", "mixtral-8x7b", "--tokens", 1, "--batch", 32, "--kv-cache", 128)
        with open(trace) as fh:
            macs = json.load(fh)["metadata"]["macs"]
        sys = report("run", "--system", T3000, "--trace", trace, "--set", "mapper.parallel=tensor")
        collectives = [c for st in sys["stages"] for c in st["collectives"]]
        self.assertEqual([(c["op"], c["bytes_per_chip"]) for c in collectives], [("all_reduce", 32 * 4096 * 2)] * 2)
        gate = 32 * 4096 * 8
        for d in sys["devices"]:
            self.assertEqual(d["macs"], (macs - gate) // 8 + gate)

    def test_tensor_parallel_dense_llama_decode(self):
        # A Llama-3-70B decoder layer, one decode step at batch 32 (scripts/gen_dense.py) on a T3000: 64
        # query and 8 KV heads split 8 ways, every matmul split, so each chip does exactly 1/8 of the MACs;
        # Megatron's two all_reduces of the 32 x 8192 bf16 hidden state, no all_gather.
        trace = self.path("llama70b.json")
        gen("gen_dense.py", trace, "--model", "llama-3-70b", "--tokens", 1, "--batch", 32, "--kv-cache", 128)
        with open(trace) as fh:
            macs = json.load(fh)["metadata"]["macs"]
        sys = report("run", "--system", T3000, "--trace", trace, "--set", "mapper.parallel=tensor")
        collectives = [c for st in sys["stages"] for c in st["collectives"]]
        self.assertEqual([(c["op"], c["bytes_per_chip"]) for c in collectives], [("all_reduce", 32 * 8192 * 2)] * 2)
        for d in sys["devices"]:
            self.assertEqual(d["macs"] * 8, macs)

    def test_tensor_parallel_vit_packed_qkv(self):
        # ViT-B/16 as torchvision exports it: one packed q|k|v projection sliced into three. On an n300 the
        # packed columns are cut so that each chip holds half of each slice, so the 12 heads split 6 and 6
        # with no all_gather, and each of the 12 layers has Megatron's two all_reduces of the 197 x 768
        # bf16 activations. Per chip: half the MACs but the patch embedding's conv and the 1000-class head,
        # which every chip runs whole (768 x 768 x 196 and 768 x 1000 MACs).
        vit = "tests/data/networks/vit_b_16_b1.json"
        with open(os.path.join(ROOT, vit)) as fh:
            macs = json.load(fh)["metadata"]["macs"]
        sys = report("run", "--system", N300, "--trace", vit, "--set", "mapper.parallel=tensor")
        collectives = [c for st in sys["stages"] for c in st["collectives"]]
        self.assertEqual([(c["op"], c["bytes_per_chip"]) for c in collectives], [("all_reduce", 197 * 768 * 2)] * 24)
        whole = 768 * 768 * 196 + 768 * 1000
        for d in sys["devices"]:
            self.assertEqual(d["macs"], (macs - whole) // 2 + whole)

    def test_expert_parallel_work_follows_the_routing(self):
        # A skewed Switch layer on a T3000: expert e on chip e mod 8, so chip c's expert stage does the
        # MACs of expert c's tokens (two matmuls of d x f per token), from the trace's own routing.
        moe = self.path("moe.json")
        gen("gen_moe.py", moe, "--model", "switch-base-8", "--tokens", 64, "--routing", "zipf")
        with open(moe) as fh:
            meta = json.load(fh)["metadata"]
        tokens, d, f = meta["tokens_per_expert"], meta["config"]["d_model"], meta["config"]["d_ff"]
        sys = report("run", "--system", T3000, "--trace", moe, "--set", "mapper.parallel=expert")
        experts = sys["stages"][1]
        for c in experts["chips"]:
            self.assertEqual(c["macs"], tokens[c["device"]] * d * f * 2)
        # The busiest expert's chip ends the stage; the others wait (idle) for it.
        slowest = max(c["cycles"] for c in experts["chips"])
        self.assertEqual(experts["end_cycle"] - experts["start_cycle"], slowest)
        # Dispatch and combine: all_to_all of 1/8 of the routed tokens (tokens x d in bf16) per chip.
        routed = sum(tokens) * d * 2
        for st in (0, 1):
            (a2a,) = sys["stages"][st]["collectives"]
            self.assertEqual(a2a["op"], "all_to_all")
            self.assertEqual(a2a["bytes_per_chip"], -(-routed // 8))

    def test_pipeline_is_a_tandem_line(self):
        # YOLOv6-n at batch 4 on an n300: the ops cut in two, micro-batches of one image. Chip 0, the send
        # and chip 1 are three servers in a row, each taking the same time per micro-batch, so the last
        # micro-batch leaves after A + S + B + (M - 1) max(A, S, B) (a deterministic tandem line).
        b4, b1 = self.path("y4.json"), self.path("y1p.json")
        gen("gen_yolov6.py", b4, "--model", "n", "--img", 64, "--batch", 4)
        gen("gen_yolov6.py", b1, "--model", "n", "--img", 64, "--batch", 1)
        sys = report("run", "--system", N300, "--trace", b4, "--set", "mapper.parallel=pipeline")
        first, second = sys["stages"]
        a = first["chips"][0]["cycles"]
        b = second["chips"][1]["cycles"]
        (send,) = first["collectives"]
        self.assertEqual(send["op"], "send_recv")
        self.assertEqual([first["chips"][0]["runs"], second["chips"][1]["runs"], send["runs"]], [4, 4, 4])
        self.assertEqual(sys["total_cycles"], a + send["cycles"] + b + 3 * max(a, send["cycles"], b))
        # Together the two parts do one image's MACs per micro-batch.
        one = report("run", "-c", CHIP, "-t", b1)
        self.assertEqual(first["chips"][0]["macs"] + second["chips"][1]["macs"], one["macs"])

    def test_report_files(self):
        # --out: report.json as printed, a Perfetto timeline with one process per chip and one for the
        # Ethernet, and report.html with the system picture (one path per link of the system).
        whole = mlp_trace(self.path("mlp_out.json"), 64, 512, 1024)
        out = self.path("out")
        printed = report("run", "--system", N300, "--trace", whole, "--set", "mapper.parallel=tensor", "--out", out)
        with open(os.path.join(out, "report.json")) as fh:
            self.assertEqual(json.load(fh), printed)
        with open(os.path.join(out, "timeline.json")) as fh:
            events = json.load(fh)["traceEvents"]
        names = {e["args"]["name"] for e in events if e["name"] == "process_name"}
        self.assertEqual(names, {"device 0 (wormhole_n150)", "device 1 (wormhole_n150)", "Ethernet"})
        collectives = [e for e in events if e.get("pid") == 3 and e.get("tid") == 0 and e["ph"] == "X"]
        self.assertEqual(len(collectives), 1)
        self.assertAlmostEqual(collectives[0]["dur"], printed["collective_cycles"] / 1e3 / printed["clock_ghz"], places=3)
        with open(os.path.join(out, "report.html")) as fh:
            html = fh.read()
        with open(os.path.join(ROOT, N300)) as fh:
            links = len(json.load(fh)["links"])
        self.assertEqual(html.count("<path "), links)

    def test_expert_all_to_all_follows_the_routing(self):
        # On an n300 the even experts live on device 0, the odd ones on device 1. Before the dispatch each
        # device holds its dealt rows of every expert's tokens (docs/systems.md: half of each, the odd
        # remainders dealt to device 0, 1, 0, ... in expert order), so device 0 sends device 1 its rows of
        # the odd experts (d_model bf16 values each), device 1 sends device 0 its rows of the even ones,
        # and the combine sends the same back.
        moe = self.path("moe2.json")
        gen("gen_moe.py", moe, "--model", "switch-base-8", "--tokens", 64, "--routing", "zipf")
        with open(moe) as fh:
            meta = json.load(fh)["metadata"]
        tokens, d = meta["tokens_per_expert"], meta["config"]["d_model"]
        held = [[t // 2 for t in tokens], [t // 2 for t in tokens]]
        nxt = 0
        for e, t in enumerate(tokens):
            if t % 2:
                held[nxt][e] += 1
                nxt = 1 - nxt
        sys = report("run", "--system", N300, "--trace", moe, "--set", "mapper.parallel=expert")

        def sent(collective, src, dst):
            return sum(l["payload_bytes"] for l in collective["ethernet"] if l["devices"] == [src, dst])

        (dispatch,) = sys["stages"][0]["collectives"]
        (combine,) = sys["stages"][1]["collectives"]
        to_odd = sum(held[0][e] for e in range(1, 8, 2)) * d * 2
        to_even = sum(held[1][e] for e in range(0, 8, 2)) * d * 2
        self.assertNotEqual(to_odd, to_even)  # the routing is skewed, so the two directions differ
        self.assertEqual(sent(dispatch, 0, 1), to_odd)
        self.assertEqual(sent(dispatch, 1, 0), to_even)
        self.assertEqual(sent(combine, 1, 0), to_odd)
        self.assertEqual(sent(combine, 0, 1), to_even)

    def test_data_parallel_moe_share_is_the_one_sequence_trace(self):
        # Switch at batch 2 (balanced routing, 16 rows per expert) on an n300: each chip gets one sequence
        # and 8 rows per expert, with T5's one-row position bias whole: the trace gen_moe.py writes for
        # batch 1, run on one chip, takes the same cycles.
        b2, b1 = self.path("sw2.json"), self.path("sw1.json")
        gen("gen_moe.py", b2, "--model", "switch-base-8", "--tokens", 64, "--batch", 2)
        gen("gen_moe.py", b1, "--model", "switch-base-8", "--tokens", 64, "--batch", 1)
        one = report("run", "-c", CHIP, "-t", b1)
        sys = report("run", "--system", N300, "--trace", b2)
        for d in sys["devices"]:
            self.assertEqual(d["busy_cycles"], one["total_cycles"])
            self.assertEqual(d["macs"], one["macs"])

    def test_data_parallel_moe_deals_the_routed_tokens(self):
        # Mixtral decode, batch 32, data-parallel on a T3000: every chip its 4 sequences with all the
        # weights; the balanced routing (8 rows per expert) deals 1 row per expert to each chip, so each
        # chip does 1/8 of the trace's MACs, and no byte crosses a link.
        trace = self.path("mixtral_decode_dp.json")
        gen("gen_moe.py", trace, "--model", "mixtral-8x7b", "--tokens", 1, "--batch", 32, "--kv-cache", 128)
        with open(trace) as fh:
            macs = json.load(fh)["metadata"]["macs"]
        sys = report("run", "--system", T3000, "--trace", trace)
        self.assertEqual(sys["ethernet"], [])
        for dev in sys["devices"]:
            self.assertEqual(dev["macs"] * 8, macs)

    def test_same_inputs_same_report(self):
        whole = mlp_trace(self.path("mlp_det.json"), 64, 512, 1024)
        a = tessera("run", "--system", N300, "--trace", whole, "--set", "mapper.parallel=tensor", "--json").stdout
        b = tessera("run", "--system", N300, "--trace", whole, "--set", "mapper.parallel=tensor", "--json").stdout
        self.assertEqual(a, b)

    def test_bad_input(self):
        out = self.path("never")
        p = tessera("run", "--system", N300, "--trace", "traces/yolov6n_640.json", "--set", "mapper.parallel=sequence",
                    "--out", out, expect=2)
        self.assertIn("/mapper/parallel", p.stderr)
        # Batch 1 does not split over two chips: the trace file and the JSON path of its input.
        p = tessera("run", "--system", N300, "--trace", "traces/yolov6n_640.json", "--out", out, expect=2)
        self.assertIn("traces/yolov6n_640.json: /tensors/0/shape/0", p.stderr)
        self.assertEqual(len(p.stderr.strip().splitlines()), 1)
        p = tessera("run", "--system", N300, "--trace", "traces/yolov6n_640.json", "--set", "mapper.parallel=expert",
                    expect=2)
        self.assertIn("traces/yolov6n_640.json: /ops", p.stderr)
        self.assertFalse(os.path.exists(out))


if __name__ == "__main__":
    unittest.main()
