#!/usr/bin/python3
"""scripts/ttperf2trace.py on the three tt-metal profiles of tests/data/silicon/ops_perf: one op per device
op launch, conv shapes rebuilt from the sliding-window config, memory configs and programs parsed, the
same bytes every time, and a malformed profile refused with exit 2 and no output."""

import csv
import json
import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import tracelib  # noqa: E402

SCRIPT = os.path.join(ROOT, "scripts", "ttperf2trace.py")
DATA = os.path.join(ROOT, "tests", "data", "silicon", "ops_perf")
PROFILES = ["bh_20core_oft_front_end.csv", "wh_64core_clip_encoder.csv", "bh_64core_clip_encoder.csv"]


def run(args):
    return subprocess.run([sys.executable, SCRIPT] + args, capture_output=True, text=True)


def device_rows(name):
    """The CSV's op launches, counted here without the importer: rows with a device kernel duration."""
    with open(os.path.join(DATA, name), newline="") as f:
        return [r for r in csv.DictReader(f) if r["DEVICE KERNEL DURATION [ns]"].strip()]


class ImportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.traces = {}
        for name in PROFILES:
            out = os.path.join(cls.tmp.name, name.replace(".csv", ".json"))
            r = run([os.path.join(DATA, name), "-o", out])
            assert r.returncode == 0, r.stderr
            with open(out) as f:
                cls.traces[name] = json.load(f)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def op(self, trace, name):
        return next(o for o in self.traces[trace]["ops"] if o["name"] == name)

    def tensor(self, trace, name):
        return next(t for t in self.traces[trace]["tensors"] if t["name"] == name)

    def test_one_op_per_device_launch(self):
        for name in PROFILES:
            with self.subTest(profile=name):
                rows = device_rows(name)
                ops = self.traces[name]["ops"]
                self.assertEqual(len(ops), len(rows))
                self.assertEqual([o["name"] for o in ops],
                                 ["%s#%s" % (r["OP CODE"], r["GLOBAL CALL COUNT"]) for r in rows])
                self.assertEqual([o["metadata"]["measured_ns"] for o in ops],
                                 [int(r["DEVICE KERNEL DURATION [ns]"]) for r in rows])
                self.assertEqual(tracelib.check_trace(self.traces[name]), [])

    def test_first_conv_shapes_from_its_sliding_window(self):
        # OptimizedConvNew, GLOBAL CALL COUNT 8192: input_tensor_shape {1; 384; 1280; 3}, output_channels 64,
        # window 7x7, stride 2, padding 3 on every side, dilation 1 (read off the row by hand).
        n, h, w, c, k, kernel, stride, pad = 1, 384, 1280, 3, 64, 7, 2, 3
        ho = (h + 2 * pad - kernel) // stride + 1
        wo = (w + 2 * pad - kernel) // stride + 1
        self.assertEqual((ho, wo), (192, 640))
        trace = "bh_20core_oft_front_end.csv"
        conv = self.op(trace, "OptimizedConvNew#8192")
        self.assertEqual(conv["type"], "conv2d")
        x, wt = (self.tensor(trace, t) for t in conv["inputs"])
        y = self.tensor(trace, conv["outputs"][0])
        # The conv reads the halo's output (through the move after it): the image padded by 3 each side,
        # so the conv itself pads nothing.
        self.assertEqual(x["shape"], [n, c, h + 2 * pad, w + 2 * pad])
        self.assertEqual(conv["attrs"]["padding"], [0, 0])
        self.assertEqual(conv["attrs"]["stride"], [stride, stride])
        self.assertEqual(wt["shape"], [k, c, kernel, kernel])
        self.assertEqual(wt["kind"], "weight")
        self.assertEqual(y["shape"], [n, k, ho, wo])
        # tt-metal's [1, 1, N*H*W, C] view of the output, from the row's OUTPUT_0 columns.
        self.assertEqual(y["device_shape"], [1, 1, n * ho * wo, k])
        self.assertEqual(self.op(trace, x["name"])["type"], "move")
        halo = self.op(trace, self.op(trace, x["name"])["inputs"][0])
        self.assertEqual(halo["type"], "halo")
        self.assertEqual(halo["attrs"]["padding"], [pad, pad, pad, pad])
        self.assertEqual(self.tensor(trace, halo["inputs"][0])["shape"], [n, c, h, w])
        self.assertEqual(conv["program"], {"act_block_h_tiles": 1, "act_block_w_tiles": 2, "out_subblock_h_tiles": 1,
                                           "out_subblock_w_tiles": 2, "weights_block_w_tiles": 2,
                                           "shard_layout": "height", "grid": [5, 4]})
        self.assertEqual(conv["cores"], 20)
        self.assertEqual(conv["fidelity"], "hifi4")

    def test_memory_configs(self):
        trace = "bh_20core_oft_front_end.csv"
        # InterleavedToSharded #5120: output_mem_config HEIGHT_SHARDED in L1 on (0,0)-(4,3), shards {24576; 8}.
        i2s = self.op(trace, "InterleavedToShardedDeviceOperation#5120")
        self.assertEqual(i2s["type"], "reshard")
        self.assertEqual(self.tensor(trace, i2s["outputs"][0])["memory"],
                         {"buffer": "l1", "layout": "height_sharded", "shard_grid": [[0, 0, 4, 3]],
                          "shard_shape": [24576, 8], "orientation": "row_major"})
        self.assertEqual(self.tensor(trace, i2s["inputs"][0])["memory"], {"buffer": "dram", "layout": "interleaved"})
        # 20 cores x 24576 rows hold the 384 x 1280 image.
        self.assertEqual(20 * 24576, 384 * 1280)
        # PaddedSlice #334848 writes a block-sharded tensor on (0,0)-(3,3), shards {3232; 64}.
        ps = self.op(trace, "PaddedSliceDeviceOperation#334848")
        self.assertEqual(self.tensor(trace, ps["outputs"][0])["memory"]["shard_grid"], [[0, 0, 3, 3]])
        self.assertEqual(self.tensor(trace, ps["outputs"][0])["memory"]["shard_shape"], [3232, 64])

    def test_matmul_programs_ttnn_chose(self):
        # program_config nullopt: ttnn picked the program, and the profile's data-movement kernels name it.
        # Matmul#238592 runs in0_sender_padding with in1_sender_writer and in1_receiver_writer (no in0
        # receiver): in1 multicast, in0 read by each core, whole blocks at a time.
        trace = "bh_20core_oft_front_end.csv"
        self.assertEqual(self.op(trace, "Matmul#238592")["program"], {"kind": "1d_mcast_in1"})
        # Matmul#180224 has in0 and in1 receivers: both multicast.
        self.assertEqual(self.op(trace, "Matmul#180224")["program"], {"kind": "2d_mcast"})
        # CLIP's attention matmul Matmul#18432 has an in0 receiver only (this held before).
        self.assertEqual(self.op("bh_64core_clip_encoder.csv", "Matmul#18432")["program"]["kind"], "1d_mcast_in0")

    def test_clip_ops(self):
        trace = "wh_64core_clip_encoder.csv"
        self.assertEqual(self.traces[trace]["metadata"]["device"], {"arch": "wormhole_b0", "clock_mhz": 1000})
        self.assertEqual(self.traces["bh_64core_clip_encoder.csv"]["metadata"]["device"]["clock_mhz"], 1350)
        mm = self.op(trace, "MinimalMatmulOp#7168")
        self.assertEqual(mm["type"], "matmul")
        self.assertEqual(mm["program"], {"kind": "minimal", "in0_block_w": 8, "m_block": 2, "n_block": 8,
                                         "out_subblock_h": 2, "out_subblock_w": 2, "grid": [8, 8]})
        shapes = [self.tensor(trace, t)["shape"] for t in mm["inputs"]]
        self.assertEqual(shapes, [[1, 1, 19, 1280], [1, 1, 1280, 1280], [1280]])
        # The MUL by the scalar 0.125 (attention scale) takes a one-element constant.
        scale = self.op(trace, "BinaryNgDeviceOperation#10240")
        self.assertEqual(scale["type"], "mul")
        self.assertEqual(self.tensor(trace, scale["inputs"][1]), {"name": "BinaryNgDeviceOperation#10240.in1",
                                                                   "shape": [1], "kind": "constant", "format": "bf16"})
        self.assertEqual(self.op(trace, "UnaryDeviceOperation#29696")["type"], "erf")
        # BH's encoder runs quick-GELU's sigmoid as tt-metal's chain neg, exp, +1, recip.
        sig = [o for o in self.traces["bh_64core_clip_encoder.csv"]["ops"] if o["metadata"]["op_code"] ==
               "UnaryDeviceOperation"]
        self.assertTrue(sig and all(o["type"] == "sigmoid" for o in sig))
        # Q @ K^T reads the two transposes' outputs: linked, not fresh inputs.
        qk = self.op(trace, "Matmul#18432")
        self.assertEqual([self.op(trace, t)["type"] for t in qk["inputs"]], ["transpose", "transpose"])

    def test_unknown_op_codes_become_data_movement_with_a_warning(self):
        # SliceWrite is not one of the importer's op codes.
        writes = [o for o in self.traces["bh_20core_oft_front_end.csv"]["ops"]
                  if o["metadata"]["op_code"] == "SliceWriteDeviceOperation"]
        self.assertEqual(len(writes), 34)
        self.assertTrue(all(o["type"] == "data_movement" for o in writes))
        with tempfile.TemporaryDirectory() as d:
            r = run([os.path.join(DATA, PROFILES[0]), "-o", os.path.join(d, "t.json")])
        self.assertEqual(r.returncode, 0)
        self.assertEqual(r.stderr.strip(),
                         "ttperf2trace: warning: 1 op code(s) imported as data_movement: SliceWriteDeviceOperation")

    def test_same_bytes_every_run(self):
        with tempfile.TemporaryDirectory() as d:
            for name in PROFILES:
                outs = []
                for i in range(2):
                    out = os.path.join(d, "%d.json" % i)
                    self.assertEqual(run([os.path.join(DATA, name), "-o", out]).returncode, 0)
                    with open(out, "rb") as f:
                        outs.append(f.read())
                self.assertEqual(outs[0], outs[1], name)

    def test_device_filter(self):
        with tempfile.TemporaryDirectory() as d:
            r = run([os.path.join(DATA, PROFILES[1]), "-o", os.path.join(d, "t.json"), "--device", "3"])
            self.assertEqual(r.returncode, 2)
            self.assertIn("no op launches", r.stderr)
            self.assertFalse(os.path.exists(os.path.join(d, "t.json")))

    def test_simulator_validates_them(self):
        binary = os.environ.get("TESSERA_BINARY") or os.path.join(ROOT, "build", "tessera")
        if not os.path.isfile(binary):
            self.skipTest("tessera not built")
        with tempfile.TemporaryDirectory() as d:
            for name in PROFILES:
                out = os.path.join(d, name + ".json")
                with open(out, "w") as f:
                    json.dump(self.traces[name], f)
                r = subprocess.run([binary, "validate", "--trace", out], capture_output=True, text=True)
                self.assertEqual(r.returncode, 0, r.stdout + r.stderr)


class MalformedProfileTest(unittest.TestCase):
    def write(self, d, rows, header=None):
        with open(os.path.join(DATA, PROFILES[2]), newline="") as f:
            reader = csv.reader(f)
            real_header = next(reader)
            real = [next(reader) for _ in range(3)]
        path = os.path.join(d, "p.csv")
        with open(path, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(header or real_header)
            for r in rows(real_header, real):
                w.writerow(r)
        return path

    def check_refused(self, rows, expected, header=None):
        with tempfile.TemporaryDirectory() as d:
            path = self.write(d, rows, header)
            out = os.path.join(d, "t.json")
            r = run([path, "-o", out])
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertEqual(r.stderr.strip().splitlines(), [expected.replace("PATH", path)])
            self.assertFalse(os.path.exists(out))

    def test_bad_size(self):
        def rows(header, real):
            bad = list(real[1])
            bad[header.index("INPUT_0_Y_PAD[LOGICAL]")] = "32[nineteen]"
            return [real[0], bad]
        self.check_refused(rows, "ttperf2trace: error: PATH:3 (TilizeWithValPaddingDeviceOperation): "
                                 "expected a size like 32[19] (padded[logical]), got '32[nineteen]'")

    def test_missing_columns(self):
        def rows(header, real):
            return [r[1:] for r in real]
        with open(os.path.join(DATA, PROFILES[2]), newline="") as f:
            header = next(csv.reader(f))[1:]
        self.check_refused(rows, "ttperf2trace: error: PATH: not a tt-metal ops-perf CSV: missing column(s) OP CODE",
                           header=header)

    def test_bad_memory(self):
        def rows(header, real):
            bad = list(real[0])
            bad[header.index("OUTPUT_0_MEMORY")] = "DEV_0_SRAM_INTERLEAVED"
            return [bad]
        self.check_refused(rows, "ttperf2trace: error: PATH:2 (EmbeddingsDeviceOperation): expected a memory like "
                                 "DEV_0_DRAM_INTERLEAVED or DEV_1_L1_HEIGHT_SHARDED, got 'DEV_0_SRAM_INTERLEAVED'")

    def test_short_row(self):
        def rows(header, real):
            return [real[0][:10]]
        with open(os.path.join(DATA, PROFILES[2]), newline="") as f:
            columns = len(next(csv.reader(f)))
        self.check_refused(rows, "ttperf2trace: error: PATH:2: expected %d columns, got a row of another length" % columns)


if __name__ == "__main__":
    unittest.main()
