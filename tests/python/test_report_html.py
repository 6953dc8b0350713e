#!/usr/bin/python3
"""Checks the report files of `tessera run --out DIR`: every file present, byte-identical across identical
runs, energy components summing to the total, a timeline Perfetto can load, and report.html as a person
sees it in headless Chromium (not blank, heatmaps in the DOM, its script ran without errors). Also the
board-power sanity check of docs/energy.md: a dense BFP8 GEMM on each preset draws 30-100% of the card's
board power."""

import csv
import glob
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("TESSERA_BINARY", os.path.join(ROOT, "build", "tessera"))
CHROMIUM = "/usr/bin/chromium"
TOY = os.path.join(ROOT, "configs", "toy_4x4.json")
GEMM = os.path.join(ROOT, "traces", "gemm_1024.json")
EXPECTED = ["report.json", "layers.csv", "cores.csv", "links.csv", "timeline.json", "report.html",
            "heatmap_core_utilization.svg", "heatmap_core_energy.svg", "heatmap_noc_east.svg",
            "heatmap_noc_west.svg", "heatmap_noc_south.svg", "heatmap_noc_north.svg"]
BOARD_POWER_W = {"grayskull_e150": 200, "wormhole_n150": 160, "blackhole_p150": 300}


def run_tessera(*args):
    return subprocess.run([BINARY] + [str(a) for a in args], capture_output=True, text=True, cwd=ROOT, timeout=120)


def png_non_white_pixels(path):
    """Decodes an 8-bit RGB/RGBA PNG with zlib alone and counts pixels that are not (near) white."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6), f"unsupported PNG (depth {depth}, colour type {colour})"
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    prev = bytearray(stride)
    count, i = 0, 0
    for _ in range(height):
        filt, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):  # undo the PNG row filters
            a = line[x - channels] if x >= channels else 0
            b, c = prev[x], prev[x - channels] if x >= channels else 0
            if filt == 1:
                line[x] = (line[x] + a) & 255
            elif filt == 2:
                line[x] = (line[x] + b) & 255
            elif filt == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif filt == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        for x in range(0, stride, channels):
            if min(line[x], line[x + 1], line[x + 2]) < 240:
                count += 1
        prev = line
    return count, width * height


class ReportFilesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="tessera-report-")
        cls.dirs = []
        for name in ("a", "b"):
            out = os.path.join(cls.tmp, name)
            r = run_tessera("run", "--config", TOY, "--trace", GEMM, "--out", out, "--quiet")
            assert r.returncode == 0, r.stderr
            cls.dirs.append(out)
        cls.out = cls.dirs[0]

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_every_file_written_and_no_temporaries(self):
        self.assertEqual(sorted(os.listdir(self.out)), sorted(EXPECTED))

    def test_identical_runs_give_identical_files(self):
        for name in EXPECTED:
            with open(os.path.join(self.dirs[0], name), "rb") as f1, open(os.path.join(self.dirs[1], name), "rb") as f2:
                self.assertEqual(f1.read(), f2.read(), f"{name} differs between two identical runs")

    def test_energy_components_sum_to_total(self):
        with open(os.path.join(self.out, "report.json")) as f:
            r = json.load(f)
        e = r["energy"]
        self.assertGreater(e["total_pj"], 0)
        self.assertAlmostEqual(sum(e["by_component_pj"].values()) / e["total_pj"], 1.0, places=6)
        self.assertAlmostEqual(sum(o["energy_pj"] for o in e["by_op"]) / e["total_pj"], 1.0, places=6)
        self.assertEqual(len(e["by_core"]), r["compute_cores"])
        self.assertGreater(e["by_component_pj"]["mac"], 0)
        self.assertGreater(e["average_power_w"], 0)
        self.assertGreater(e["tops_per_watt"], 0)
        # Power is energy over the simulated time.
        self.assertAlmostEqual(e["total_pj"] * 1e-12 / r["seconds"] / e["average_power_w"], 1.0, places=3)

    def test_csv_tables(self):
        with open(os.path.join(self.out, "layers.csv")) as f:
            layers = list(csv.DictReader(f))
        self.assertEqual([l["op"] for l in layers], ["gemm"])
        with open(os.path.join(self.out, "cores.csv")) as f:
            cores = list(csv.DictReader(f))
        self.assertEqual(len(cores), 16)
        for c in cores:
            for engine in ("dma_in", "reshape", "unpack", "math", "pack", "dma_out"):
                self.assertTrue(0 <= float(c[engine + "_utilization"]) <= 1)
            self.assertGreater(float(c["energy_pj"]), 0)
        with open(os.path.join(self.out, "links.csv")) as f:
            links = list(csv.DictReader(f))
        self.assertEqual(len(links), 4 * 5 * 4)  # toy torus: 4x5 routers, 4 links each
        self.assertGreater(sum(int(l["flits"]) for l in links), 0)
        self.assertTrue(all(0 <= float(l["utilization"]) <= 1 for l in links))

    def test_heatmaps_are_svg_on_the_chip_grid(self):
        ns = "{http://www.w3.org/2000/svg}"
        for name in EXPECTED:
            if not name.endswith(".svg"):
                continue
            root = ET.parse(os.path.join(self.out, name)).getroot()
            self.assertEqual(root.tag, ns + "svg")
            cells = [r for r in root.iter(ns + "rect") if r.find(ns + "title") is not None]
            self.assertEqual(len(cells), 4 * 5, name)  # toy grid: 4 x 5 positions, one cell each
        with open(os.path.join(self.out, "heatmap_core_utilization.svg")) as f:
            svg = f.read()
        self.assertEqual(svg.count("DRAM channel"), 2)
        self.assertEqual(svg.count("no compute core"), 3)  # the legend line plus the two unused positions

    def test_timeline_is_chrome_trace(self):
        with open(os.path.join(self.out, "timeline.json")) as f:
            t = json.load(f)
        events = t["traceEvents"]
        names = {(e["pid"], e.get("tid")): e["args"]["name"] for e in events if e["ph"] == "M" and "name" in e.get("args", {})}
        self.assertIn("DRAM", names.values())
        for engine in ("dma_in", "reshape", "unpack", "math", "pack", "dma_out"):
            self.assertIn(engine, names.values())
        spans = [e for e in events if e["ph"] == "X"]
        self.assertTrue(spans and all(e["name"] == "gemm" and e["dur"] > 0 for e in spans))
        counters = [e for e in events if e["ph"] == "C"]
        self.assertTrue(any(e["name"].startswith("NoC link utilisation") for e in counters))
        percent = [e for e in counters if e["name"].endswith("%")]
        self.assertTrue(all(0 <= v <= 100 for e in percent for v in e["args"].values()))
        # Power and clock counters (docs/report.md): one of each per window, VCORE at most board power.
        power = [e for e in counters if e["name"] == "Power W"]
        self.assertEqual(len(power), len([e for e in counters if e["name"] == "AICLK MHz"]))
        self.assertTrue(power and all(0 < e["args"]["VCORE"] <= e["args"]["board"] for e in power))


@unittest.skipUnless(os.path.exists(CHROMIUM), "/usr/bin/chromium is missing (scripts/setup.sh installs it): "
                     "report.html not checked in a browser")
class ReportInBrowserTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="tessera-html-")
        r = run_tessera("run", "--config", TOY, "--trace", GEMM, "--out", self.tmp, "--quiet")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.page = "file://" + os.path.join(self.tmp, "report.html")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def chromium(self, *args):
        profile = tempfile.mkdtemp(prefix="chromium-", dir=self.tmp)
        cmd = [CHROMIUM, "--headless", "--disable-gpu", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
               "--enable-logging=stderr", "--v=0"]
        if os.geteuid() == 0:
            cmd.append("--no-sandbox")
        return subprocess.run(cmd + list(args) + [self.page], capture_output=True, text=True, timeout=90)

    def test_page_renders_with_heatmaps_and_no_script_errors(self):
        shot = os.path.join(self.tmp, "shot.png")
        r = self.chromium("--screenshot=" + shot, "--window-size=1280,2000")
        self.assertTrue(os.path.exists(shot), r.stderr[-2000:])
        non_white, total = png_non_white_pixels(shot)
        self.assertGreater(non_white, total // 100, "the screenshot is (nearly) blank")
        self.assertNotIn("Uncaught", r.stderr)

        dom = self.chromium("--dump-dom")
        self.assertEqual(dom.returncode, 0, dom.stderr[-2000:])
        html = dom.stdout
        self.assertNotIn("Uncaught", dom.stderr)
        self.assertIn('data-report-ready="yes"', html, "the page's script did not run to its end")
        self.assertGreaterEqual(html.count("<svg"), 6, "heatmaps missing from the DOM")
        for title in ("Core utilisation", "Energy per core", "NoC link utilisation, eastward links"):
            self.assertIn(title, html)


class BoardPowerSanityTest(unittest.TestCase):
    """docs/energy.md: a dense 4096^3 BFP8 GEMM draws between 30% and 100% of each card's board power."""

    def test_gemm_power_within_board_power(self):
        with tempfile.TemporaryDirectory() as tmp:
            trace = os.path.join(tmp, "gemm4096.json")
            g = subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "scripts", "gen_gemm.py"), "--m", "4096",
                                "--k", "4096", "--n", "4096", "--format", "bfp8", "--fidelity", "hifi2", "-o", trace],
                               capture_output=True, text=True)
            self.assertEqual(g.returncode, 0, g.stderr)
            for chip, board_w in BOARD_POWER_W.items():
                r = run_tessera("run", "--config", os.path.join(ROOT, "configs", chip + ".json"), "--trace", trace,
                                "--json", "--quiet")
                self.assertEqual(r.returncode, 0, r.stderr)
                power = json.loads(r.stdout)["energy"]["average_power_w"]
                with self.subTest(chip=chip):
                    self.assertGreaterEqual(power, 0.3 * board_w, f"{chip}: {power} W")
                    self.assertLessEqual(power, board_w, f"{chip}: {power} W")


if __name__ == "__main__":
    unittest.main()
