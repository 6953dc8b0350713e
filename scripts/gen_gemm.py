#!/usr/bin/env python3
"""Writes a single-matmul workload trace: C[M,N] = A[M,K] x B[K,N].

A is the network input and B a weight; both start in DRAM in the chosen data format, and the op carries
the format and math fidelity, so sweeps over precision need no other changes.

    gen_gemm.py --m 1024 --k 1024 --n 1024 --format bfp8 --fidelity hifi2 -o traces/gemm_1024.json
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tracelib  # noqa: E402

FORMATS = ("bf16", "bfp8", "bfp4")


def build_trace(m, k, n, fmt, fidelity, name=None):
    b = tracelib.TraceBuilder(name or "gemm_%dx%dx%d_%s_%s" % (m, k, n, fmt, fidelity),
                              "single matmul [%d,%d] x [%d,%d], %s, %s fidelity" % (m, k, k, n, fmt, fidelity))
    a = b.input("a", [m, k], fmt)
    w = b.weight("b", [k, n], fmt)
    b.op("matmul", "gemm", [a, w], fmt=fmt, fidelity=fidelity)
    b.metadata = {"generator": "scripts/gen_gemm.py", "m": m, "k": k, "n": n, "format": fmt,
                  "fidelity": fidelity, "macs": m * k * n}
    return b


def parse_args(argv):
    ap = argparse.ArgumentParser(description="Write a single-GEMM workload trace.")
    ap.add_argument("--m", type=int, required=True, help="rows of A and C")
    ap.add_argument("--k", type=int, required=True, help="columns of A, rows of B")
    ap.add_argument("--n", type=int, required=True, help="columns of B and C")
    ap.add_argument("--format", choices=FORMATS, default="bf16", help="data format of A, B and the op")
    ap.add_argument("--fidelity", choices=tracelib.FIDELITIES, default="hifi2", help="math fidelity")
    ap.add_argument("--name", help="trace name (default gemm_MxKxN_format_fidelity)")
    ap.add_argument("-o", "--output", required=True, help="trace file to write")
    args = ap.parse_args(argv)
    for dim in ("m", "k", "n"):
        if getattr(args, dim) <= 0:
            ap.error("--%s must be positive" % dim)
    return args


def main(argv=None):
    args = parse_args(argv)
    trace = build_trace(args.m, args.k, args.n, args.format, args.fidelity, args.name)
    trace.write(args.output, "gen_gemm.py")
    return 0


if __name__ == "__main__":
    sys.exit(main())
