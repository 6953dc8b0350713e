"""Golden runs (tests/golden/): every case re-run, every figure as blessed. Cycles and counts must not move at
all, energies and rates by no more than a relative 1e-9. A failure prints each figure that moved, old, new
and the % change; if the change is intended, bless it with scripts/bless_golden.py and put its table in the
commit message."""

import os
import sys
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import bless_golden as golden  # noqa: E402


class GoldenRuns(unittest.TestCase):
    def test_every_case_has_a_golden_file_and_no_file_is_stale(self):
        files = sorted(f[:-5] for f in os.listdir(golden.GOLDEN_DIR) if f.endswith(".json"))
        self.assertEqual(files, sorted(golden.CASES),
                         "tests/golden/ and CASES in scripts/bless_golden.py disagree: bless or delete")

    def test_figures_as_blessed(self):
        binary = golden.default_binary()
        report = []
        for case, (_, command) in golden.CASES.items():
            with self.subTest(case=case):
                g = golden.load_golden(case)
                self.assertEqual(golden.command_of(g), command,
                                 "%s: the golden file was made by another command; bless it" % case)
                rows = golden.diff(g, golden.run_case(binary, command))
                if rows:
                    report.append(golden.format_rows(case, rows))
                if rows:
                    self.fail("\n" + golden.format_rows(case, rows) +
                              "\nIntended? /usr/bin/python3 scripts/bless_golden.py --case " + case)
        if report:
            print("\n\n".join(report), file=sys.stderr)


class GoldenComparison(unittest.TestCase):
    """The comparison itself, on made-up figures: a suite that cannot fail would be worse than none."""

    def test_one_cycle_is_a_change(self):
        old = {"figures": {"total_cycles": 1000, "energy_pj": 5.0}, "ops": [["a", 10], ["b", 20]]}
        new = {"figures": {"total_cycles": 1001, "energy_pj": 5.0}, "ops": [["a", 10], ["b", 21]]}
        rows = golden.diff(old, new)
        self.assertEqual([r[0] for r in rows], ["total_cycles", "op b cycles"])
        self.assertEqual(rows[0][3], "+0.1000%")

    def test_energy_within_rounding_is_not_a_change_but_beyond_is(self):
        old = {"figures": {"energy_pj": 1e9}, "ops": []}
        self.assertEqual(golden.diff(old, {"figures": {"energy_pj": 1e9 * (1 + 1e-12)}, "ops": []}), [])
        self.assertEqual(len(golden.diff(old, {"figures": {"energy_pj": 1e9 * (1 + 1e-7)}, "ops": []})), 1)

    def test_new_missing_and_renamed_figures_are_changes(self):
        old = {"figures": {"total_cycles": 1}, "ops": [["a", 1]]}
        new = {"figures": {"total_cycles": 1, "energy_pj.new": 2.0}, "ops": [["b", 1]]}
        what = [r[0] for r in golden.diff(old, new)]
        self.assertIn("energy_pj.new", what)
        self.assertIn("op list", what)


if __name__ == "__main__":
    unittest.main()
