#!/usr/bin/python3
"""How the source cores of the silicon reshard traces answer, per source NIU (a core on one NoC), and how the
replay's figures compare: the numbers behind "What the traces say about a source core's answers" in
docs/validation.md. A barrier end is the only landing a trace records, so a source NIU's span runs from the
first request it gets to the last barrier end of its readers.

Prints, per reshard trace: source NIUs, KiB each answers, its readers and reads per reader, and the rate
(bytes / span) per NIU and per core, marking traces whose sources answer on one NoC only. Then the median span
per answered volume over the calibration traces' NIUs whose readers read from them alone, on silicon and in
`tessera noc-trace --issue recorded`, and the median |error| of each RISC-V's barrier end in the replay.

usage: scripts/noc_trace_sources.py [--binary build/tessera] [--config configs/wormhole_n150.json] [--set a.b=v ...]
"""
import argparse
import collections
import json
import os
import statistics
import subprocess
import sys

from validate_noc_traces import HELD_OUT, ROOT, TRACES


def load(name):
    events = json.load(open(os.path.join(TRACES, name + ".json")))
    t0 = min(e["timestamp"] for e in events)
    issuers = collections.defaultdict(list)
    for e in events:
        if "type" in e:
            issuers[(e["sx"], e["sy"], e["proc"])].append(e)
    readers = {}
    for key, evs in issuers.items():
        ends = [e["timestamp"] - t0 for e in evs if e["type"] == "READ_BARRIER_END"]
        reads = [(e["timestamp"] - t0, (e["dx"], e["dy"], e["noc"]), e["num_bytes"]) for e in evs if e["type"] == "READ"]
        if reads and ends:
            readers[key] = (reads, max(ends))
    return readers


def sources(readers, finish=None):
    """Per source NIU: first request, last barrier end (silicon, or `finish` per reader), bytes, readers, and
    whether every one of its readers reads from it alone."""
    out = collections.defaultdict(lambda: {"first": float("inf"), "end": 0, "bytes": 0, "readers": set(), "alone": True})
    for key, (reads, end) in readers.items():
        own = {src for _, src, _ in reads}
        for t, src, b in reads:
            s = out[src]
            s["first"] = min(s["first"], t)
            s["end"] = max(s["end"], finish[key] if finish else end)
            s["bytes"] += b
            s["readers"].add(key)
            s["alone"] &= len(own) == 1
    return out


def replay(args, name):
    cmd = [args.binary, "noc-trace", os.path.join(TRACES, name + ".json"), "--config", args.config,
           "--issue", "recorded", "--json"]
    for s in args.set:
        cmd += ["--set", s]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"noc_trace_sources: {' '.join(cmd)} failed: {out.stderr.strip()}")
    return {(c["x"], c["y"], c["proc"]): c["finish_cycles"] for c in json.loads(out.stdout)["cores"]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=os.path.join(ROOT, "build", "tessera"))
    ap.add_argument("--config", default=os.path.join(ROOT, "configs", "wormhole_n150.json"))
    ap.add_argument("--set", action="append", default=[])
    args = ap.parse_args()
    names = sorted(f[:-5] for f in os.listdir(TRACES) if f.endswith(".json") and not f.startswith("DRAM"))

    print("| trace | set | source NIUs | KiB each | readers x reads | B/cycle per NIU | B/cycle per core |")
    print("|---|---|---:|---|---|---|---|")
    spans = {"silicon": collections.defaultdict(list), "replay": collections.defaultdict(list)}
    end_errors = {False: [], True: []}
    for name in names:
        readers = load(name)
        srcs = sources(readers)
        per_core = collections.defaultdict(lambda: [float("inf"), 0, 0])
        for (x, y, _), s in srcs.items():
            c = per_core[(x, y)]
            c[0], c[1], c[2] = min(c[0], s["first"]), max(c[1], s["end"]), c[2] + s["bytes"]
        reads_per = sorted({len(readers[r][0]) for s in srcs.values() for r in s["readers"]})
        kib = sorted({s["bytes"] // 1024 for s in srcs.values()})
        counts = sorted({len(s["readers"]) for s in srcs.values()})
        rate = [s["bytes"] / (s["end"] - s["first"]) for s in srcs.values()]
        core = [c[2] / (c[1] - c[0]) for c in per_core.values()]
        one_noc = len(per_core) == len(srcs)
        held = name in HELD_OUT
        print(f"| {name} | {'held out' if held else 'fit'} | {len(srcs)}{' (one NoC each)' if one_noc else ''} | "
              f"{'/'.join(map(str, kib))} | {'/'.join(map(str, counts))} x {'/'.join(map(str, reads_per))} | "
              f"{min(rate):.1f}-{max(rate):.1f} | {min(core):.1f}-{max(core):.1f} |")
        finish = replay(args, name)
        for key, (_, end) in readers.items():
            end_errors[held].append(abs(finish[key] - end) / end)
        if held:
            continue
        for src, s in sources(readers, finish).items():
            if s["alone"]:
                spans["replay"][s["bytes"]].append(s["end"] - s["first"])
        for s in srcs.values():
            if s["alone"]:
                spans["silicon"][s["bytes"]].append(s["end"] - s["first"])

    print()
    n = sum(len(v) for v in spans["silicon"].values())
    print(f"median span of a source NIU, {n} NIUs of the calibration reshards whose readers read from them alone:")
    for who in ("silicon", "replay"):
        print(f"  {who:8s}", "  ".join(f"{b // 1024} KiB: {statistics.median(v):.0f}" for b, v in sorted(spans[who].items())))
    for held in (False, True):
        e = end_errors[held]
        print(f"each RISC-V's barrier end in the replay, {'held out' if held else 'calibration'} reshards: "
              f"median |error| {100 * statistics.median(e):.1f}% over {len(e)}")


if __name__ == "__main__":
    main()
