#!/usr/bin/python3
"""Plot a sweep's results: simulated cycles against energy, one point per sweep point, with the Pareto front
(the points no other point beats on both cycles and energy) marked and joined. Reads DIR/results.csv as
written by `tessera sweep`; writes a PNG (whole or not at all).

usage: scripts/plot_sweep.py RESULTS.csv [-o PLOT.png] [--title TEXT]
"""
import argparse
import csv
import os
import sys
import tempfile

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)


def read_points(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    points = []
    for row in rows:
        try:
            points.append((int(row["cycles"]), float(row["energy_j"]), row))
        except (KeyError, ValueError) as e:
            raise SystemExit(f"plot_sweep: {path}: not a tessera sweep results.csv ({e})")
    return points


def pareto_front(points):
    """Points not dominated on (cycles, energy), both lower-is-better, sorted by cycles."""
    front, best_energy = [], float("inf")
    for p in sorted(points, key=lambda p: (p[0], p[1])):
        if p[1] < best_energy:
            front.append(p)
            best_energy = p[1]
    return front


def label(row, axis_keys):
    parts = [f"{k.split('.')[-1]}={row[k]}" for k in axis_keys]
    return ", ".join(parts) if parts else os.path.basename(row["trace"])


def main():
    ap = argparse.ArgumentParser(description="Plot cycles vs energy of a tessera sweep with its Pareto front.")
    ap.add_argument("results", help="results.csv written by tessera sweep")
    ap.add_argument("-o", "--output", help="PNG to write (default: beside results.csv, sweep.png)")
    ap.add_argument("--title", default=None)
    args = ap.parse_args()
    points = read_points(args.results)
    if not points:
        raise SystemExit(f"plot_sweep: {args.results}: no finished points yet")
    out = args.output or os.path.join(os.path.dirname(os.path.abspath(args.results)), "sweep.png")
    with open(args.results, newline="") as f:
        header = next(csv.reader(f))
    axis_keys = header[: header.index("trace")]

    front = pareto_front(points)
    fig, ax = plt.subplots(figsize=(8, 5.5), dpi=110)
    traces = sorted({p[2]["trace"] for p in points})
    for t in traces:
        xs = [p[0] for p in points if p[2]["trace"] == t]
        ys = [p[1] * 1e3 for p in points if p[2]["trace"] == t]
        ax.scatter(xs, ys, s=28, alpha=0.7, label=os.path.basename(t))
    ax.plot([p[0] for p in front], [p[1] * 1e3 for p in front], "-o", color="black", mfc="none", ms=10,
            lw=1.2, label="Pareto front")
    for p in front:
        ax.annotate(label(p[2], axis_keys), (p[0], p[1] * 1e3), textcoords="offset points", xytext=(6, 6),
                    fontsize=7)
    ax.set_xlabel("simulated cycles")
    ax.set_ylabel("energy (mJ)")
    ax.set_title(args.title or f"{len(points)} sweep points, {len(front)} on the Pareto front")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    # Whole or nothing: draw into a temporary file beside the target, then rename it over.
    fd, tmp = tempfile.mkstemp(prefix=".plot_sweep.", suffix=".png", dir=os.path.dirname(os.path.abspath(out)))
    try:
        with os.fdopen(fd, "wb") as f:
            fig.savefig(f, format="png", metadata={"Software": None})
        os.replace(tmp, out)
    except BaseException:
        os.unlink(tmp)
        raise
    print(f"plot_sweep: wrote {out} ({len(points)} points, {len(front)} on the Pareto front)")


if __name__ == "__main__":
    sys.exit(main())
