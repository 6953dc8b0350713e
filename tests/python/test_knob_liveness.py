"""Every config knob does something: for each leaf key of every preset in configs/*.json, perturb it on a small
workload where it should bind and check that the run changes (cycles, energy, the outcome, or the plan for
mapper knobs), in the expected direction for rates, latencies and energies.

KNOBS below is the table: per key, how to perturb it, the workload and extra --set that make it bind, and
what must happen. A preset key missing from the table fails the test (a new knob needs a liveness case).
EXPECTED_DEAD_PENDING lists the knobs known to do nothing yet; the test fails if one of them is in fact live,
so the list cannot rot: remove an entry when its knob comes alive.

Runs on toy_4x4 (4x4 cores, 2 DRAM channels); the workloads are generated into a temp dir by the project's
own scripts. One line per key is printed; a failure names the key.
"""

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("TESSERA_BINARY") or os.path.join(ROOT, "build", "tessera")
BASE_CONFIG = "configs/toy_4x4.json"

# Descriptive strings and the inheritance link: documented (docs/configs.md) as naming, not modelling.
DESCRIPTIVE = {"description", "chip.name", "extends"}

# Knobs parsed and documented but not yet modelled. The lead removes an entry as each becomes live; the
# test fails when a listed knob changes the run (then the entry is stale).
# The five of issue 10 came alive (SRAM ports, inbound port, compression rows). Of the data-movement
# engine's keys, the RISC-V issue time and the NIU's read credits drive `tessera run` op by op (page-by-page
# DRAM reads and writes); the others still drive `tessera noc-trace` replays only.
EXPECTED_DEAD_PENDING = {
    "packet_manager.engine.l1_read_latency_cycles",
    "packet_manager.engine.niu_response_bytes_per_cycle",
    "packet_manager.engine.request_bytes",
    "packet_manager.engine.response_packet_bytes",
    # Where a chip's Ethernet links attach: used by multi-chip systems (tessera collective, tests/system),
    # never by a one-chip run.
    "chip.ethernet_positions",
}

# Rate knobs that move the run the wrong way. DmaWriter starts a send on the NoC at once and only then waits
# for its SRAM read and compression time (writer_busy_cycles), so a slower compressor delays the next send
# but never the data itself, and the changed interleaving can shorten the run. Same anti-rot rule: the test
# fails once the knob moves the right way; remove the entry then.
KNOWN_WRONG_DIRECTION_PENDING: set = set()

# Keys documented in docs/configs.md that no preset sets (they take their defaults) but that the dead
# list names: checked too, so that a live one is noticed.
DOCUMENTED_NOT_IN_PRESETS = {"packet_manager.compression_row_datums": 64}


def gen(script, out, *args):
    subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "scripts", script)] + [str(a) for a in args] + ["-o", out],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def make_workloads(tmp):
    w = {}
    for fid in ("lofi", "hifi2", "hifi3", "hifi4"):
        w["gemm_" + fid] = os.path.join(tmp, "gemm_%s.json" % fid)
        gen("gen_gemm.py", w["gemm_" + fid], "--m", 256, "--k", 256, "--n", 256, "--fidelity", fid)
    # One row of A: the matrix unit still pays matmul_min_rows rows per pass.
    w["gemm_thin"] = os.path.join(tmp, "gemm_thin.json")
    gen("gen_gemm.py", w["gemm_thin"], "--m", 1, "--k", 1024, "--n", 1024)
    # A small conv net with no formats or fidelities on it: the mapper's defaults apply.
    w["conv"] = os.path.join(tmp, "yolov6n_64.json")
    gen("gen_yolov6.py", w["conv"], "--model", "n", "--img", 64)
    w["conv128"] = os.path.join(tmp, "yolov6n_128.json")
    gen("gen_yolov6.py", w["conv128"], "--model", "n", "--img", 128)
    w["moe"] = os.path.join(tmp, "switch_moe_16.json")
    gen("gen_moe.py", w["moe"], "--model", "switch-base-8", "--tokens", 16)
    # tt-metal's 1-D multicast matmul with a K that ends inside a tile (19), every tensor in DRAM.
    dram = {"buffer": "dram", "layout": "interleaved"}
    w["mcast_pad"] = os.path.join(tmp, "mcast_pad.json")
    with open(w["mcast_pad"], "w") as f:
        json.dump({"format": "tessera-trace", "version": 2, "name": "mcast_pad",
                   "tensors": [{"name": "a", "shape": [4, 32, 19], "kind": "input", "format": "bf16", "memory": dram},
                               {"name": "b", "shape": [4, 19, 64], "kind": "input", "format": "bf16", "memory": dram},
                               {"name": "c", "shape": [4, 32, 64], "format": "bf16", "memory": dram}],
                   "ops": [{"name": "mm", "type": "matmul", "inputs": ["a", "b"], "outputs": ["c"], "cores": 2,
                            "program": {"kind": "1d_mcast_in0"}}]}, f)
    return w


# Perturbations, from the key's effective value.
def half(v): return v / 2 if isinstance(v, float) else max(1, v // 2)
def double(v): return v * 2 if v else 2
def to(x): return lambda v: x
def flip(v): return not v


COMPRESS = ["packet_manager.compression=true", "packet_manager.default_density=0.5"]
FLIT = ["noc.model=flit"]
PACKET = ["noc.model=packet"]

# key -> (perturb, workload, extra --set on both runs, expectation[, extra --set on the perturbed run only])
#   "cycles_up": cycles strictly increase; "energy_up": energy strictly increases and cycles do not move;
#   "changes": cycles, energy or the plan differ; "plan": the mapper's plan differs; "fails": the run stops
#   with an error (a watchdog). The perturbed run must succeed unless "fails": a config error is no sign of life.
KNOBS = {
    "chip.clock_ghz": (half, "gemm_hifi2", [], "changes"),       # DRAM GB/s per cycle, static energy per cycle
    # A wider ring (its new top corner not a core, so that the logical grid stays whole): other hop counts.
    "chip.grid_width": (to(5), "gemm_hifi2", [], "changes", ["chip.unused_positions=[[1,0],[3,0],[4,0]]"]),
    "chip.grid_height": (to(6), "gemm_hifi2", [], "changes"),
    # On a 6-row grid, row 1 made unused: the compute grid moves a row away from the DRAM row.
    # On the packet NoC: on the flit NoC the timing change shifts contention enough to win
    # back more than the extra hop costs (12,741 -> 12,641 cycles, 2026-12-01).
    "chip.unused_positions": (lambda v: v + [[0, 1], [1, 1], [2, 1], [3, 1]], "gemm_hifi2",
                              ["chip.grid_height=6"] + PACKET, "cycles_up"),
    # Multi-chip only (docs/systems.md): a one-chip run never uses it, so it is listed as dead pending.
    "chip.ethernet_positions": (to([[1, 0]]), "gemm_hifi2", [], "changes"),
    "chip.compute_grid.width": (half, "gemm_hifi2", [], "cycles_up"),
    "chip.compute_grid.height": (half, "gemm_hifi2", [], "cycles_up"),
    "core.matmul_cycles_per_tile.lofi": (double, "gemm_lofi", [], "cycles_up"),
    "core.matmul_cycles_per_tile.hifi2": (double, "gemm_hifi2", [], "cycles_up"),
    "core.matmul_cycles_per_tile.hifi3": (double, "gemm_hifi3", [], "cycles_up"),
    "core.matmul_cycles_per_tile.hifi4": (double, "gemm_hifi4", [], "cycles_up"),
    "core.matmul_min_rows": (to(32), "gemm_thin", [], "cycles_up"),
    "core.sram_read_bytes_per_cycle": (to(1), "gemm_hifi2", [], "cycles_up"),
    "core.sram_write_bytes_per_cycle": (to(1), "gemm_hifi2", [], "cycles_up"),
    "core.eltwise_add_cycles_per_tile": (to(4096), "conv", [], "cycles_up"),
    "core.eltwise_mul_cycles_per_tile": (to(4096), "conv", [], "cycles_up"),
    "core.reduce_cycles_per_tile": (to(4096), "moe", [], "cycles_up"),       # softmax and RMSNorm sums
    "core.unpack_bytes_per_cycle": (to(1), "gemm_hifi2", [], "cycles_up"),
    "core.unpack_compressed_bytes_per_cycle": (to(1), "conv", COMPRESS, "cycles_up"),
    "core.pack_bytes_per_cycle": (to(1), "gemm_hifi2", [], "cycles_up"),
    "core.kernel_launch_cycles": (double, "gemm_hifi2", [], "cycles_up"),
    # The compute kernel's steps (docs/core.md): tile handshakes of the convs' element-wise ops, the passes
    # of the MoE block's softmax and RMSNorms.
    "core.llk_tile_cycles": (to(2000), "conv", [], "cycles_up"),
    "core.llk_pass_cycles": (to(100000), "moe", [], "cycles_up"),
    "core.sram_kib": (to(64), "gemm_hifi2", [], "plan"),
    "packet_manager.dma_read_bytes_per_cycle": (to(1), "conv", [], "cycles_up"),
    "packet_manager.dma_write_bytes_per_cycle": (to(1), "conv", [], "cycles_up"),
    "packet_manager.compression": (flip, "conv", ["packet_manager.default_density=0.5"], "changes"),
    "packet_manager.compress_bytes_per_cycle": (to(1), "conv", COMPRESS, "cycles_up"),
    # On the packet NoC: on the flit NoC a slower decompressor spaces out the weight reads and the run ends
    # 0.15% sooner (265,115 -> 264,720 cycles, 2026-12-01), contention outweighing the slower engine.
    "packet_manager.decompress_bytes_per_cycle": (to(1), "conv", COMPRESS + PACKET, "cycles_up"),
    "packet_manager.compression_row_datums": (to(8), "conv", COMPRESS, "changes"),
    "packet_manager.default_density": (to(0.5), "conv", ["packet_manager.compression=true"], "changes"),
    "packet_manager.reshape_engine": (flip, "conv", [], "changes"),
    "packet_manager.engine.l1_read_latency_cycles": (to(500), "conv", [], "cycles_up"),
    "packet_manager.engine.niu_response_bytes_per_cycle": (to(1), "conv", [], "cycles_up"),
    "packet_manager.engine.request_bytes": (to(64), "conv", [], "changes"),
    "packet_manager.engine.response_packet_bytes": (to(256), "conv", [], "changes"),
    "packet_manager.reshape_bytes_per_cycle": (to(1), "conv", [], "cycles_up"),
    "noc.topology": (to("mesh"), "gemm_hifi2", [], "changes"),
    "noc.model": (to("packet"), "gemm_hifi2", [], "changes"),  # the presets' default is flit
    "noc.noc_select": (to("fixed"), "gemm_hifi2", ["noc.topology=tt_dual"], "changes"),
    "noc.link_bytes_per_cycle": (half, "gemm_hifi2", [], "cycles_up"),
    "noc.num_vcs": (lambda v: 2 if v != 2 else 4, "conv", FLIT, "changes"),
    "noc.vc_buf_flits": (to(2), "conv", FLIT, "changes"),
    "noc.max_packet_bytes": (to(256), "gemm_hifi2", [], "changes"),
    "noc.header_flits": (to(8), "gemm_hifi2", [], "cycles_up"),
    "noc.injection_latency_cycles": (to(500), "gemm_hifi2", [], "cycles_up"),
    "noc.ejection_latency_cycles": (to(500), "gemm_hifi2", [], "cycles_up"),
    "noc.router_delays.routing": (to(50), "gemm_hifi2", [], "cycles_up"),
    "noc.router_delays.vc_alloc": (to(50), "gemm_hifi2", [], "cycles_up"),
    "noc.router_delays.sw_alloc": (to(50), "gemm_hifi2", [], "cycles_up"),
    "noc.router_delays.st_prepare": (to(50), "gemm_hifi2", [], "cycles_up"),
    "noc.router_delays.st_final": (to(50), "gemm_hifi2", [], "cycles_up"),
    "noc.router_delays.link": (to(50), "gemm_hifi2", [], "cycles_up"),
    "noc.router_delays.credit": (to(50), "conv", FLIT, "cycles_up"),   # credits return only on the flit model
    "noc.watchdog_cycles": (to(1), "conv", FLIT, "fails"),             # any 1-cycle stall stops the run
    # One channel instead of two (the other position becomes a router without a core).
    "dram.positions": (lambda v: v[:1], "gemm_hifi2", [], "cycles_up", ["chip.unused_positions=[[1,0],[2,0],[3,0]]"]),
    "dram.channel_bandwidth_gbps": (half, "gemm_hifi2", [], "cycles_up"),
    "dram.read_latency_cycles": (to(5000), "gemm_hifi2", [], "cycles_up"),
    "dram.write_latency_cycles": (to(5000), "conv", ["core.sram_kib=128"], "cycles_up"),  # spills go through DRAM
    "mapper.conv_algorithm": (to("direct"), "conv", [], "plan"),
    # 16 cores make one stage by default (one per 24 cores), which is layer_by_layer again.
    "mapper.placement": (to("pipelined"), "conv", ["mapper.pipeline_stages=4"], "plan"),
    "mapper.schedule": (to("op_by_op"), "conv", [], "cycles_up"),   # no op overlaps the next any more
    # The dispatcher runs only op by op: a longer launch and staggered go signals both delay every program.
    # Op by op, DRAM tensors move page by page, one RISC-V call each, within the NIU's read credits.
    "packet_manager.engine.riscv_issue_cycles": (to(2000), "conv", ["mapper.schedule=op_by_op"], "cycles_up"),
    # Op by op, the multicast matmul's reader zeroes the padding of a last K tile itself.
    "packet_manager.engine.riscv_store_cycles": (to(100), "mcast_pad", ["mapper.schedule=op_by_op"], "cycles_up"),
    # Op by op, the conv's reader gathers each output pixel's window one kernel row (one local read) at a time.
    "packet_manager.engine.riscv_local_read_cycles": (to(2000), "conv", ["mapper.schedule=op_by_op"], "cycles_up"),
    "packet_manager.engine.niu_read_credits": (to(1), "conv", ["mapper.schedule=op_by_op"], "cycles_up"),
    "dispatch.launch_cycles": (to(5000), "conv", ["mapper.schedule=op_by_op"], "cycles_up"),
    "dispatch.go_cycles_per_core": (to(2000), "conv", ["mapper.schedule=op_by_op"], "cycles_up"),
    # Op by op, activations small enough stay in L1 for the next program; at 0 every one goes through DRAM.
    "mapper.l1_tensor_fraction": (to(0), "conv", ["mapper.schedule=op_by_op"], "cycles_up"),
    # Op by op, `trace` runs the convs at the default HiFi2 in bf16 instead of tt_metal_cnn's LoFi and BFP8.
    "mapper.op_by_op_rules": (to("trace"), "conv", ["mapper.schedule=op_by_op"], "cycles_up"),
    "mapper.default_format": (to("bfp8"), "conv", [], "changes"),
    "mapper.default_fidelity": (to("hifi4"), "conv", [], "cycles_up"),
    # Blocks are whole tile rows: at 64x64 every core's share is one row of tiles, so use 128x128.
    "mapper.block_tiles": (to(1), "conv128", [], "plan"),
    "energy.mac_pj.fp32": (double, "conv", ["mapper.default_format=fp32"], "energy_up"),
    "energy.mac_pj.bf16": (double, "gemm_hifi2", [], "energy_up"),
    "energy.mac_pj.fp16": (double, "conv", ["mapper.default_format=fp16"], "energy_up"),
    "energy.mac_pj.bfp8": (double, "conv", ["mapper.default_format=bfp8"], "energy_up"),
    "energy.mac_pj.bfp4": (double, "conv", ["mapper.default_format=bfp4"], "energy_up"),
    "energy.mac_pj.bfp2": (double, "conv", ["mapper.default_format=bfp2"], "energy_up"),
    "energy.vector_op_pj": (double, "conv", [], "energy_up"),
    "energy.vector_instructions_per_tile": (double, "conv", [], "energy_up"),
    "energy.sram_read_pj_per_byte": (double, "gemm_hifi2", [], "energy_up"),
    "energy.sram_write_pj_per_byte": (double, "gemm_hifi2", [], "energy_up"),
    "energy.noc_router_pj_per_flit": (double, "gemm_hifi2", [], "energy_up"),
    "energy.noc_link_pj_per_flit": (double, "gemm_hifi2", [], "energy_up"),
    "energy.compress_pj_per_byte": (double, "conv", COMPRESS, "energy_up"),
    "energy.decompress_pj_per_byte": (double, "conv", COMPRESS, "energy_up"),
    "energy.reshape_pj_per_byte": (double, "conv", [], "energy_up"),
    "energy.dram_pj_per_byte": (double, "gemm_hifi2", [], "energy_up"),
    "energy.core_static_mw": (double, "gemm_hifi2", [], "energy_up"),
    "energy.router_static_mw": (double, "gemm_hifi2", [], "energy_up"),
    "energy.dram_channel_static_mw": (double, "gemm_hifi2", [], "energy_up"),
    "energy.core_clock_mw": (double, "gemm_hifi2", [], "energy_up"),
    # Power knobs move report.json's power figures (docs/energy.md), recorded by the runner below.
    "power.board_other_w": (double, "gemm_hifi2", [], "changes"),
    "power.tdp_w": (to(3), "gemm_hifi2", [], "changes"),         # below the toy's idle power: the clock drops
    "power.tdc_a": (to(3), "gemm_hifi2", [], "changes"),
    "power.vf_curve": (to([[500, 600], [1000, 800]]), "gemm_hifi2", ["power.tdp_w=3"], "changes"),
    "power.window_us": (to(1), "gemm_hifi2", [], "changes"),     # the peak over a shorter window
}


def leaves(d, prefix=""):
    for k, v in d.items():
        path = prefix + "." + k if prefix else k
        if isinstance(v, dict):
            yield from leaves(v, path)
        else:
            yield path, v


def merge(base, over):
    out = dict(base)
    for k, v in over.items():
        out[k] = merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def load_resolved(path):
    with open(os.path.join(ROOT, path)) as f:
        d = json.load(f)
    if "extends" in d:
        d = merge(load_resolved(os.path.join(os.path.dirname(path), d.pop("extends"))), d)
    return d


def preset_keys():
    keys = set()
    for name in sorted(os.listdir(os.path.join(ROOT, "configs"))):
        if name.endswith(".json"):
            with open(os.path.join(ROOT, "configs", name)) as f:
                keys.update(k for k, _ in leaves(json.load(f)))
    return keys


def effective(config, key, extra):
    for s in extra:
        k, v = s.split("=", 1)
        if k == key:
            return json.loads(v)
    node = config
    for part in key.split("."):
        node = node[part]
    return node


class Runner:
    def __init__(self, tmp):
        self.tmp = tmp
        self.cache = {}
        self.count = 0

    def run(self, trace, sets):
        key = (trace, tuple(sets))
        if key not in self.cache:
            self.count += 1
            plan = os.path.join(self.tmp, "plan.json")
            args = [BINARY, "run", "--config", BASE_CONFIG, "--trace", trace, "--json", "--quiet", "--dump-plan", plan]
            for s in sets:
                args += ["--set", s]
            r = subprocess.run(args, cwd=ROOT, capture_output=True, text=True)
            if r.returncode != 0:
                self.cache[key] = {"exit": r.returncode, "error": r.stderr.strip().splitlines()[:1]}
            else:
                out = json.loads(r.stdout)
                with open(plan, "rb") as f:
                    digest = hashlib.sha256(f.read()).hexdigest()
                p = out["power"]
                self.cache[key] = {"exit": 0, "cycles": out["total_cycles"], "energy": out["energy"]["total_pj"],
                                   "plan": digest, "power": (p["vcore_avg_w"], p["board_avg_w"], p["vcore_peak_w"],
                                                             p["avg_clock_ghz"])}
        return self.cache[key]


def judge(expect, base, new):
    """None when the knob did what it should, else what went wrong."""
    if base["exit"] != 0:
        return "the base run fails: %s" % base["error"]
    changed = new != base
    if expect == "fails":
        return None if new["exit"] != 0 else ("the run did not stop" if changed else "changed nothing")
    if new["exit"] != 0:
        return "the perturbed run fails: %s" % new["error"]
    if expect == "changes":
        return None if changed else "changed nothing"
    if expect == "plan":
        return None if new["plan"] != base["plan"] else "the plan did not change"
    if expect == "cycles_up":
        if new["cycles"] > base["cycles"]:
            return None
        return "cycles %d -> %d (expected an increase)" % (base["cycles"], new["cycles"]) if changed else "changed nothing"
    if expect == "energy_up":
        if new["cycles"] != base["cycles"]:
            return "an energy figure moved cycles %d -> %d" % (base["cycles"], new["cycles"])
        if new["energy"] > base["energy"]:
            return None
        return "energy %.6g -> %.6g (expected an increase)" % (base["energy"], new["energy"]) if changed else "changed nothing"
    raise ValueError(expect)


def describe(base, new):
    if new["exit"] != 0:
        return "exit %d" % new["exit"]
    if base["exit"] != 0:
        return "base exit %d" % base["exit"]
    return "cycles %d -> %d, energy %+.3g%%%s" % (
        base["cycles"], new["cycles"], 100.0 * (new["energy"] - base["energy"]) / base["energy"],
        ", plan changed" if new["plan"] != base["plan"] else "")


class KnobLiveness(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls._tmp = tempfile.TemporaryDirectory()
        cls.workloads = make_workloads(cls._tmp.name)
        cls.config = load_resolved(BASE_CONFIG)
        for key, default in DOCUMENTED_NOT_IN_PRESETS.items():
            section, name = key.split(".")
            cls.config[section].setdefault(name, default)
        cls.runner = Runner(cls._tmp.name)

    @classmethod
    def tearDownClass(cls):
        cls._tmp.cleanup()

    def test_every_preset_key_has_a_liveness_case(self):
        missing = sorted(preset_keys() - DESCRIPTIVE - set(KNOBS))
        self.assertEqual(missing, [], "preset keys without a row in KNOBS")
        stale = sorted(set(KNOBS) - preset_keys() - set(DOCUMENTED_NOT_IN_PRESETS))
        self.assertEqual(stale, [], "rows in KNOBS for keys no preset sets: remove them")
        self.assertTrue(EXPECTED_DEAD_PENDING <= set(KNOBS))
        self.assertTrue(KNOWN_WRONG_DIRECTION_PENDING <= set(KNOBS))

    def test_every_knob_binds(self):
        lines, failures = [], []
        for key in sorted(set(KNOBS) & (preset_keys() | set(DOCUMENTED_NOT_IN_PRESETS))):
            perturb, workload, extra, expect = KNOBS[key][:4]
            also = KNOBS[key][4] if len(KNOBS[key]) > 4 else []
            value = perturb(effective(self.config, key, extra))
            trace = self.workloads[workload]
            base = self.runner.run(trace, extra)
            new = self.runner.run(trace, [s for s in extra if s.split("=", 1)[0] != key] + also +
                                  ["%s=%s" % (key, json.dumps(value, separators=(",", ":")))])
            problem = judge(expect, base, new)
            what = "%s=%s on %s%s" % (key, json.dumps(value, separators=(",", ":")), workload,
                                      " with " + " ".join(extra + also) if extra or also else "")
            if key in EXPECTED_DEAD_PENDING:
                status = "dead (pending)" if problem == "changed nothing" else "LIVE but listed as dead pending"
                if problem != "changed nothing":
                    failures.append("%s: listed in EXPECTED_DEAD_PENDING but live (%s): remove the entry" %
                                    (key, describe(base, new)))
            elif key in KNOWN_WRONG_DIRECTION_PENDING:
                wrong = bool(problem) and "expected an increase" in problem
                status = "wrong direction (pending)" if wrong else "FIXED but listed as wrong direction"
                if not wrong:
                    failures.append("%s: listed in KNOWN_WRONG_DIRECTION_PENDING but %s: remove the entry" %
                                    (key, problem or "moves the right way"))
            elif problem:
                status = "FAIL: " + problem
                failures.append("%s: %s (%s)" % (key, problem, what))
            else:
                status = "ok"
            lines.append("%-44s %-16s %s  [%s]" % (key, status, describe(base, new), what))
        print("\n".join(lines), file=sys.stderr)
        print("%d runs" % self.runner.count, file=sys.stderr)
        self.assertEqual(failures, [], "\n" + "\n".join(failures))


if __name__ == "__main__":
    unittest.main()
