#!/usr/bin/python3
"""Output discipline of `tessera run` (issue 16): --out and --dump-plan are checked before the simulation
starts (an input, a foreign directory or an unwritable place is refused with exit 2 and nothing written);
the report directory is replaced as a whole, so a run interrupted at any moment leaves the previous set
or the new one byte for byte, never a mix, a temporary file or a staging directory; a run that does not
finish writes no plan."""

import os
import random
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("TESSERA_BINARY", os.path.join(ROOT, "build", "tessera"))
CONFIG = os.path.join(ROOT, "configs", "toy_4x4.json")
TRACE = os.path.join(ROOT, "traces", "yolov6_tiny_640.json")


def run(*args):
    return subprocess.run([BINARY, "run", "--quiet"] + [str(a) for a in args], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


def snapshot(directory):
    """File name -> bytes of a directory, or None when it does not exist."""
    if not os.path.isdir(directory):
        return None
    out = {}
    for name in sorted(os.listdir(directory)):
        with open(os.path.join(directory, name), "rb") as f:
            out[name] = f.read()
    return out


class RunOutputsTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="tessera-outputs-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_refused_paths_exit_2_before_running(self):
        plan = os.path.join(self.tmp, "plan.json")
        # The config itself as the plan: before, it was overwritten.
        with open(CONFIG, "rb") as f:
            config_bytes = f.read()
        r = run("--config", CONFIG, "--trace", TRACE, "--dump-plan", CONFIG)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("is one of the run's inputs", r.stderr)
        with open(CONFIG, "rb") as f:
            self.assertEqual(f.read(), config_bytes)
        # An unwritable place: before, exit 1 after mapping and simulating.
        r = run("--config", CONFIG, "--trace", TRACE, "--dump-plan", "/nonexistent/plan.json")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("/nonexistent does not exist", r.stderr)
        # A directory holding the inputs, or files that are not a report.
        r = run("--config", CONFIG, "--trace", TRACE, "--out", os.path.join(ROOT, "configs"))
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("holds the run's input", r.stderr)
        foreign = os.path.join(self.tmp, "foreign")
        os.mkdir(foreign)
        with open(os.path.join(foreign, "notes.txt"), "w") as f:
            f.write("mine\n")
        r = run("--config", CONFIG, "--trace", TRACE, "--out", foreign, "--dump-plan", plan)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("holds notes.txt, which is not a Tessera report file", r.stderr)
        self.assertEqual(os.listdir(foreign), ["notes.txt"])
        self.assertFalse(os.path.exists(plan))
        # A bad config: before, the --out directory was created empty.
        out = os.path.join(self.tmp, "report")
        r = run("--config", CONFIG, "--trace", TRACE, "--out", out, "--set", "noc.num_vcs=0")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertFalse(os.path.exists(out))

    def test_plan_inside_out_is_part_of_the_set(self):
        out = os.path.join(self.tmp, "report")
        for _ in range(2):  # the second run replaces the first run's set, plan included
            r = run("--config", CONFIG, "--trace", TRACE, "--out", out, "--dump-plan", os.path.join(out, "plan.json"))
            self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("plan.json", os.listdir(out))
        self.assertIn("report.json", os.listdir(out))
        self.assertEqual(sorted(os.listdir(self.tmp)), ["report"])

    def test_interrupted_runs_leave_the_old_set_or_the_new_one(self):
        out = os.path.join(self.tmp, "report")
        reference = os.path.join(self.tmp, "reference")
        plan = os.path.join(self.tmp, "plan.json")
        self.assertEqual(run("--config", CONFIG, "--trace", TRACE, "--out", out,
                             "--set", "noc.link_bytes_per_cycle=64").returncode, 0)
        self.assertEqual(run("--config", CONFIG, "--trace", TRACE, "--out", reference).returncode, 0)
        old, new = snapshot(out), snapshot(reference)
        self.assertNotEqual(old["report.json"], new["report.json"])
        shutil.rmtree(reference)
        command = [BINARY, "run", "--quiet", "--config", CONFIG, "--trace", TRACE, "--out", out, "--dump-plan", plan]
        start = time.monotonic()
        self.assertEqual(subprocess.run(command[:-4] + ["--out", reference, "--dump-plan", plan], cwd=ROOT,
                                        stdout=subprocess.DEVNULL).returncode, 0)
        duration = time.monotonic() - start
        shutil.rmtree(reference)
        os.remove(plan)
        rng = random.Random(16)
        outcomes = {"old": 0, "new": 0}
        for _ in range(12):
            p = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            # Most of the tries aim at the end of the run, where the files are written.
            time.sleep(rng.uniform(0.5 * duration, 1.5 * duration))
            p.send_signal(signal.SIGINT)
            p.wait(timeout=60)
            got = snapshot(out)
            self.assertIn(got, (old, new), "the report directory mixes two runs")
            outcomes["old" if got == old else "new"] += 1
            # Nothing else beside it: no staging directory, no temporary file; a plan only from a finished run.
            left = sorted(n for n in os.listdir(self.tmp) if n != "report" and n != "plan.json")
            self.assertEqual(left, [])
            if got == old:
                self.assertFalse(os.path.exists(plan), "an interrupted run left its plan")
            if got == new:
                # Put the old set back for the next try.
                shutil.rmtree(out)
                self.assertEqual(run("--config", CONFIG, "--trace", TRACE, "--out", out,
                                     "--set", "noc.link_bytes_per_cycle=64").returncode, 0)
            if os.path.exists(plan):
                os.remove(plan)
        print("interrupted runs:", outcomes)


if __name__ == "__main__":
    unittest.main()
