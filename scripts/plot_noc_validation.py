#!/usr/bin/python3
"""Runs `tessera noc --booksim-config` at every offered rate of the BookSim2 reference curves in
tests/data/booksim and compares: prints a markdown table and saves a latency/throughput plot.

usage: scripts/plot_noc_validation.py [--tessera build-noc/tessera] [--out docs/figures/noc_validation.png]
                                      [--seeds 3]
Each point is the mean over --seeds seeds (BookSim2's figures are single runs, so a few cycles of noise
at low load are sampling, mostly of the average hop count).
"""
import argparse
import csv
import json
import os
import statistics
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "tests", "data", "booksim")
NETWORKS = [("torus8_uniform_p1", "8x8 torus"), ("mesh8_uniform_p1", "8x8 mesh")]


def read_reference(name):
    with open(os.path.join(DATA, name + ".csv")) as f:
        return list(csv.DictReader(f))


def run_point(tessera, name, rate, seed):
    out = subprocess.run([tessera, "noc", "--booksim-config", os.path.join(DATA, name + ".cfg"), "--rate", str(rate),
                          "--seed", str(seed), "--json"], check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tessera", default=os.path.join(ROOT, "build-noc", "tessera"))
    parser.add_argument("--out", default=os.path.join(ROOT, "docs", "figures", "noc_validation.png"))
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    if not os.access(args.tessera, os.X_OK):
        sys.exit(f"plot_noc_validation.py: {args.tessera} is not an executable; build it first")

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    for (name, label), ax in zip(NETWORKS, axes):
        reference = read_reference(name)
        saturation_ref = max(float(r["accepted_flits_per_node_cycle"]) for r in reference
                             if r["accepted_flits_per_node_cycle"])
        rows, ours = [], []
        for ref in reference:
            rate = float(ref["offered_flits_per_node_cycle"])
            runs = [run_point(args.tessera, name, rate, seed) for seed in range(1, args.seeds + 1)]
            stable = [r for r in runs if not r["unstable"]]
            point = {
                "rate": rate,
                "latency": statistics.mean(r["avg_packet_latency"] for r in runs),
                "network": statistics.mean(r["avg_network_latency"] for r in runs),
                "accepted": statistics.mean(r["accepted_flits_per_node_cycle"] for r in runs),
                "hops": statistics.mean(r["avg_hops"] for r in runs),
                "unstable": len(stable) < len(runs),
            }
            ours.append(point)
            ref_lat = float(ref["avg_packet_latency"])
            ref_acc = ref["accepted_flits_per_node_cycle"]
            ref_unstable = ref["booksim_unstable"] == "1"
            lat_err = 100 * (point["latency"] / ref_lat - 1)
            acc_err = 100 * (point["accepted"] / float(ref_acc) - 1) if ref_acc else None
            rows.append((rate, ref_lat, point["latency"], lat_err, ref_acc, point["accepted"], acc_err,
                         float(ref["avg_hops"]) if ref["avg_hops"] else None, point["hops"], ref_unstable,
                         point["unstable"]))
        saturation = max(p["accepted"] for p in ours if not p["unstable"])
        print(f"\n### {label} (BookSim2 saturation {saturation_ref:.4f}, Tessera {saturation:.4f}, "
              f"{100 * (saturation / saturation_ref - 1):+.1f}%)\n")
        print("| offered | BookSim2 latency | Tessera latency | diff | BookSim2 accepted | Tessera accepted | diff | "
              "BookSim2 hops | Tessera hops | unstable (B / T) |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        for (rate, ref_lat, lat, lat_err, ref_acc, acc, acc_err, ref_hops, hops, ref_u, u) in rows:
            acc_text = f"{float(ref_acc):.4f}" if ref_acc else "-"
            acc_err_text = f"{acc_err:+.1f}%" if acc_err is not None else "-"
            hops_text = f"{ref_hops:.3f}" if ref_hops else "-"
            print(f"| {rate:.2f} | {ref_lat:.2f} | {lat:.2f} | {lat_err:+.1f}% | {acc_text} | {acc:.4f} | "
                  f"{acc_err_text} | {hops_text} | {hops:.3f} | {'yes' if ref_u else 'no'} / {'yes' if u else 'no'} |")
        ax.plot([float(r["offered_flits_per_node_cycle"]) for r in reference],
                [float(r["avg_packet_latency"]) for r in reference], "o-", label="BookSim2 packet latency")
        ax.plot([p["rate"] for p in ours], [p["latency"] for p in ours], "s--", label="Tessera packet latency")
        ax.plot([p["rate"] for p in ours], [p["network"] for p in ours], "x:", label="Tessera network latency")
        ax.set_ylim(0, 200)
        ax.set_xlabel("offered load (flits/node/cycle)")
        ax.set_ylabel("latency (cycles)")
        ax.set_title(f"{label}, uniform, 1-flit packets")
        ax.axvline(saturation_ref, color="grey", lw=0.8)
        ax.legend(fontsize=8)
    fig.tight_layout()
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    fig.savefig(args.out, dpi=110)
    print(f"\nplot: {os.path.relpath(args.out, ROOT)}")


if __name__ == "__main__":
    main()
