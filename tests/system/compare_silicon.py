#!/usr/bin/python3
"""Runs the collectives tt-metal measured on silicon (tests/data/systems/ccl_measured.json) on the
system presets and prints the model's figures next to the measured ones, with the error of each.
The presets' Ethernet figures are the published line rates, latencies and framing; their ccl.op_launch_ns
is calibrated on the first two smallest-message rows (marked), the other two are held out.

    /usr/bin/python3 tests/system/compare_silicon.py [--build build] [--set KEY=VALUE ...]

--set overrides a key of every system preset (as `tessera collective --set` does), to see what one
modelled stage contributes, e.g. --set ccl.gather_local_write=false.

Asymptotic bandwidth per link: the slope between two large buffers (4 and 8 MiB per chip), so fixed
start-up costs drop out as they do in the measured asymptote; per link as tt-metal's reports count it
(the busiest link's bytes / links, and / 2 on a ring: busbw / links for all
but all_to_all). Smallest messages: the modelled time of the same small collective.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


SETS = []


def run(tessera, system, op, chips, topology, links, nbytes, packet, tmp):
    trace = os.path.join(tmp, "c.json")
    subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "scripts", "gen_collective.py"), "--op", op, "--chips",
                    str(chips), "--topology", topology, "--links", str(links), "--bytes-per-chip", str(nbytes),
                    "--packet-bytes", str(packet), "-o", trace], check=True)
    out = subprocess.run([tessera, "collective", "--system", os.path.join(ROOT, "configs", "systems", system + ".json"),
                          "--trace", trace, "--json"] + [a for kv in SETS for a in ("--set", kv)], check=True, capture_output=True, text=True).stdout
    return json.loads(out)["collectives"][0]


def bus_factor(op, n):
    """Bytes through the busiest link per byte of a chip's buffer (tt-metal's report, "Bytes through the
    bottleneck link"): busbw's factor for all but all_to_all, whose middle link carries floor(N/2) ceil(N/2)
    pieces of B/N (its `linkbw` column, not its busbw)."""
    return {"all_gather": n - 1, "reduce_scatter": (n - 1) / n, "all_to_all": (n // 2) * ((n + 1) // 2) / n,
            "all_reduce": 2 * (n - 1) / n}[op]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="override a key of every system preset")
    args = ap.parse_args()
    SETS.extend(args.set)
    tessera = os.path.join(args.build, "tessera")
    with open(os.path.join(ROOT, "tests", "data", "systems", "ccl_measured.json")) as f:
        measured = json.load(f)
    small, large = 4 << 20, 8 << 20
    errors = []
    with tempfile.TemporaryDirectory() as tmp:
        print("| arch | op | chips, topology | measured GB/s per link | model | error |")
        print("|---|---|---|---|---|---|")
        for arch, table in measured["per_link_gbps"].items():
            for op in ("all_gather", "reduce_scatter", "all_reduce", "all_to_all"):
                for case, value in table[op].items():
                    chips, topology = int(case.split("_")[0]), case.split("_")[1]
                    a = run(tessera, table["system"], op, chips, topology, table["links"], small, table["packet_bytes"], tmp)
                    b = run(tessera, table["system"], op, chips, topology, table["links"], large, table["packet_bytes"], tmp)
                    slope = (large - small) / ((b["us"] - a["us"]) * 1e-6) / 1e9
                    model = slope * bus_factor(op, chips) / table["links"] / (2 if topology == "ring" else 1)
                    err = (model - value) / value
                    errors.append(abs(err))
                    print("| %s | %s | %d %s | %.2f | %.2f | %+.1f%% |" % (arch, op, chips, topology, value, model, 100 * err))
        print()
        print("| arch | op | chips, topology | bytes per chip | measured us | model us | error | role |")
        print("|---|---|---|---|---|---|---|---|")
        for i, m in enumerate(measured["smallest_message_us"]):
            links = measured["per_link_gbps"][m["arch"]]["links"]
            packet = measured["per_link_gbps"][m["arch"]]["packet_bytes"]
            r = run(tessera, m["system"], m["op"], m["chips"], m["topology"], links, m["bytes_per_chip"], packet, tmp)
            err = (r["us"] - m["us"]) / m["us"]
            role = "calibrates op_launch_ns" if i < 2 else "held out"
            print("| %s | %s | %d %s | %d | %.2f | %.2f | %+.1f%% | %s |" % (m["arch"], m["op"], m["chips"], m["topology"],
                                                                       m["bytes_per_chip"], m["us"], r["us"], 100 * err, role))
    print()
    print("bandwidth: mean |error| %.1f%%, max %.1f%%" % (100 * sum(errors) / len(errors), 100 * max(errors)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
