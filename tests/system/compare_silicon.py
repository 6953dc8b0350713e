#!/usr/bin/python3
"""Runs the collectives tt-metal measured on silicon (tests/data/systems/ccl_measured.json) on the
system presets and prints the model's figures next to the measured ones, with the error of each.
The presets' Ethernet figures are the published line rates, latencies and framing; their ccl.op_launch_ns
is calibrated on the first two smallest-message rows (marked), the other two are held out.

    /usr/bin/python3 tests/system/compare_silicon.py [--build build] [--size 33554432|8388608] [--set KEY=VALUE ...]

--set overrides a key of every system preset (as `tessera collective --set` does), to see what one
modelled stage contributes, e.g. --set ccl.gather_local_write=false.

Bandwidth per link, as tt-metal's CCL benchmark computes its `linkbw` column (tech_reports/CCLs/
parse_results.py): each collective runs once on the logical tensor size T of one measured row (--size, the
rows' `size (B)`: all_gather's output, so T/N per chip; every other op's per-device input), and
    linkbw = T x factor / (links x directions) / time,
with factor (N-1)/N for all_gather and reduce_scatter, 2(N-1)/N for all_reduce, floor(N/2) ceil(N/2)/N
for all_to_all, directions 2 on a ring and 1 on a line, and time the whole modelled kernel time (launch
included), against that row's measured linkbw. Same size, same bytes, same formula: fixed costs and a
pipeline's fill count on both sides as they do on silicon. The measured asymptote (the largest size's
linkbw, GiB tensors the model cannot run) is printed beside it. Smallest messages: the modelled time of
the same small collective.
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


def link_factor(op, n):
    """Bytes through the busiest link per byte of T (tech_reports/CCLs/CCL_bandwidth.md, "Bytes through the
    bottleneck link"; parse_results.py's link_factor)."""
    return {"all_gather": (n - 1) / n, "reduce_scatter": (n - 1) / n, "all_reduce": 2 * (n - 1) / n,
            "all_to_all": (n // 2) * ((n + 1) // 2) / n}[op]


def bytes_per_chip(op, n, total):
    """Each chip's input for a logical tensor of `total` bytes (test_ccl_bandwidth.py's plan(): all_gather
    shards it, the other ops give every device the whole of it)."""
    return total // n if op == "all_gather" else total


def linkbw(op, n, topology, links, total, us):
    return total * link_factor(op, n) / (links * (2 if topology == "ring" else 1)) / (us * 1e-6) / 1e9


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="override a key of every system preset")
    ap.add_argument("--size", type=int, default=32 << 20, choices=(8 << 20, 32 << 20),
                    help="logical tensor size T in bytes of the measured rows to compare with (default 32 MiB)")
    args = ap.parse_args()
    SETS.extend(args.set)
    tessera = os.path.join(args.build, "tessera")
    with open(os.path.join(ROOT, "tests", "data", "systems", "ccl_measured.json")) as f:
        measured = json.load(f)
    errors = []
    with tempfile.TemporaryDirectory() as tmp:
        print("Per-link bandwidth at T = %d B" % args.size)
        print()
        print("| arch | op | chips, topology | measured linkbw at T, GB/s | model | error | measured asymptote |")
        print("|---|---|---|---|---|---|---|")
        for arch, table in measured["per_link_gbps"].items():
            at_size = measured["linkbw_at_size"][arch][str(args.size)]
            for op in ("all_gather", "reduce_scatter", "all_reduce", "all_to_all"):
                for case, value in at_size[op].items():
                    chips, topology = int(case.split("_")[0]), case.split("_")[1]
                    r = run(tessera, table["system"], op, chips, topology, table["links"],
                            bytes_per_chip(op, chips, args.size), table["packet_bytes"], tmp)
                    model = linkbw(op, chips, topology, table["links"], args.size, r["us"])
                    err = (model - value) / value
                    errors.append(abs(err))
                    print("| %s | %s | %d %s | %.2f | %.2f | %+.1f%% | %.2f |" % (arch, op, chips, topology, value, model,
                                                                     100 * err, table[op][case]))
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
    print("bandwidth at T = %d B: mean |error| %.1f%%, max %.1f%%, %d of %d within 15%%" % (
        args.size, 100 * sum(errors) / len(errors), 100 * max(errors), sum(e <= 0.15 for e in errors), len(errors)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
