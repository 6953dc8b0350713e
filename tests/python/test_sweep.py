#!/usr/bin/python3
"""Checks `tessera sweep`: the example spec runs in parallel and a rerun skips finished points; a sweep
killed with SIGKILL at any moment loses no finished point and leaves no partial or duplicate row; bad specs
are refused before any point runs (exit 2, naming the key); the MPI path under mpirun; and
scripts/plot_sweep.py draws the results."""

import csv
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("TESSERA_BINARY", os.path.join(ROOT, "build", "tessera"))
EXAMPLE = os.path.join("configs", "sweeps", "example.json")
MPIRUN = shutil.which("mpirun")


def sweep(*args, **kw):
    return subprocess.run([BINARY, "sweep"] + [str(a) for a in args], capture_output=True, text=True, cwd=ROOT,
                          timeout=120, **kw)


def read_results(out):
    with open(os.path.join(out, "results.jsonl")) as f:
        text = f.read()
    assert text == "" or text.endswith("\n"), "results.jsonl ends in a partial line"
    records = [json.loads(line) for line in text.splitlines()]
    with open(os.path.join(out, "results.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    return records, rows


def wait_for_group_exit(pgid, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.01)
    raise AssertionError("processes of the killed sweep still running after %.0f s" % timeout)


class SweepTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="tessera-sweep-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def write_spec(self, spec):
        path = os.path.join(self.tmp, "spec.json")
        with open(path, "w") as f:
            json.dump(spec, f)
        return path

    def test_example_runs_in_parallel_and_rerun_skips_finished_points(self):
        out = os.path.join(self.tmp, "out")
        r = sweep(EXAMPLE, "-j", 2, "--out", out, "--quiet")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("4 points: 4 run", r.stdout)
        records, rows = read_results(out)
        self.assertEqual(len(records), 4)
        self.assertEqual(len(rows), 4)
        self.assertEqual(list(rows[0].keys())[:3], ["noc.link_bytes_per_cycle", "core.sram_kib", "trace"])  # spec order
        self.assertEqual(len({r["point"] for r in records}), 4)
        for row in rows:
            self.assertGreater(int(row["cycles"]), 0)
            self.assertGreater(float(row["energy_j"]), 0)
            self.assertGreater(float(row["average_power_w"]), 0)
        with open(os.path.join(out, "results.csv")) as f:
            before = f.read()
        again = sweep(EXAMPLE, "-j", 2, "--out", out, "--quiet")
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertIn("0 run, 4 already done", again.stdout)
        with open(os.path.join(out, "results.csv")) as f:
            self.assertEqual(f.read(), before)

    def test_killed_sweep_loses_nothing_and_never_duplicates(self):
        spec = self.write_spec({"base": "configs/toy_4x4.json", "traces": ["traces/gemm_1024.json"],
                                "axes": {"noc.link_bytes_per_cycle": [16, 24, 32, 40, 48, 56, 64, 72],
                                         "dram.channel_bandwidth_gbps": [12, 24]}})
        out = os.path.join(self.tmp, "killed")
        finished_before_kill = []
        for delay_lines in (1, 3, 6):
            # Kill the sweep and its children (one process group) once a few points have finished.
            p = subprocess.Popen([BINARY, "sweep", spec, "-j", "2", "--out", out, "--quiet"], cwd=ROOT,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
            deadline = time.time() + 60
            while time.time() < deadline and p.poll() is None:
                try:
                    with open(os.path.join(out, "results.jsonl")) as f:
                        if f.read().count("\n") >= delay_lines:
                            break
                except FileNotFoundError:
                    pass
                time.sleep(0.005)
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
            # A point runner caught between its spawn and its exec still holds the results file (and its
            # lock) until it has exited: wait for the whole group, as a user re-running after a kill would.
            wait_for_group_exit(p.pid)
            records, rows = read_results(out)
            ids = [r["point"] for r in records]
            self.assertEqual(len(ids), len(set(ids)), "duplicate point after a kill")
            self.assertTrue(set(finished_before_kill) <= set(ids), "a finished point was lost")
            finished_before_kill = ids
        r = sweep(spec, "-j", 2, "--out", out, "--quiet")
        self.assertEqual(r.returncode, 0, r.stderr)
        records, rows = read_results(out)
        ids = [r["point"] for r in records]
        self.assertEqual(len(ids), 16)
        self.assertEqual(len(set(ids)), 16)
        self.assertEqual(sorted(row["point"] for row in rows), sorted(ids))
        self.assertTrue(set(finished_before_kill) <= set(ids))

    def test_bad_specs_are_refused_before_any_point_runs(self):
        cases = [
            ("{not json", "not valid JSON"),
            (json.dumps({"base": "configs/toy_4x4.json", "traces": ["traces/gemm_1024.json"],
                         "axes": {"noc.link_width": [32]}}), "noc.link_width"),
            (json.dumps({"base": "configs/toy_4x4.json", "traces": ["traces/gemm_1024.json"],
                         "axes": {"noc.link_bytes_per_cycle": [32, -4]}}), "noc.link_bytes_per_cycle"),
            (json.dumps({"base": "configs/toy_4x4.json", "traces": ["traces/gemm_1024.json"],
                         "axes": {"core.sram_kib": [[1]]}}), "/axes/core.sram_kib/0"),
            (json.dumps({"base": "configs/toy_4x4.json", "traces": [], "axes": {}}), "/traces"),
            (json.dumps({"base": "configs/toy_4x4.json", "traces": ["traces/none.json"], "axes": {}}), "none.json"),
        ]
        for text, named in cases:
            with self.subTest(named=named):
                path = os.path.join(self.tmp, "bad.json")
                with open(path, "w") as f:
                    f.write(text)
                out = os.path.join(self.tmp, "bad-out")
                r = sweep(path, "--out", out, "--quiet")
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn(named, r.stderr)
                self.assertFalse(os.path.exists(os.path.join(out, "results.jsonl")), "a point ran")

    @unittest.skipUnless(MPIRUN, "mpirun is not installed (openmpi-bin): the MPI sweep is not checked")
    def test_mpi_ranks_share_the_points(self):
        out = os.path.join(self.tmp, "mpi")
        r = subprocess.run([MPIRUN, "--allow-run-as-root", "--oversubscribe", "-n", "2", BINARY, "sweep", EXAMPLE,
                            "--out", out, "--quiet"], capture_output=True, text=True, cwd=ROOT, timeout=120)
        if "built without MPI" in r.stderr:
            self.skipTest("this tessera was built without MPI")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("on 1 ranks", r.stdout)
        records, rows = read_results(out)
        self.assertEqual(len(records), 4)
        self.assertEqual(len({r["point"] for r in records}), 4)
        self.assertEqual(len(rows), 4)

    def test_plot_sweep_draws_a_png(self):
        out = os.path.join(self.tmp, "plot")
        r = sweep(EXAMPLE, "-j", 2, "--out", out, "--quiet")
        self.assertEqual(r.returncode, 0, r.stderr)
        png = os.path.join(out, "sweep.png")
        p = subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "scripts", "plot_sweep.py"),
                            os.path.join(out, "results.csv"), "-o", png], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("Pareto front", p.stdout)
        with open(png, "rb") as f:
            self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")
        self.assertEqual([n for n in os.listdir(out) if n.startswith(".plot_sweep")], [])


if __name__ == "__main__":
    unittest.main()
