#!/usr/bin/python3
"""Imports an ONNX model as a Tessera workload trace.

    onnx2trace.py MODEL.onnx -o TRACE.json [--batch B] [--dim NAME=VALUE ...] [--name NAME]

Shapes come from ONNX shape inference. Shape arithmetic (Shape, Gather, Concat on shapes, ...),
Identity and Constant nodes are folded away; common decompositions (x*sigmoid(x), the erf form of GELU,
ReduceMean/Sub/Pow/.../Div layer norms, Conv+BatchNormalization) become single trace ops. Weights are
read for their shapes only, so models with external weight files import without them. Constants in
parameter slots (conv and matmul weights and biases, norm scales) become "weight" tensors, all other
constants "constant" tensors.

Exit codes: 0 written; 2 bad arguments, unreadable model or unsupported ops (one message listing every
unsupported op type with its count; no output is written).

This file is the command line only; the importer is the package scripts/onnx_import/.
Needs Debian's python3-onnx and python3-numpy, hence /usr/bin/python3.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tracelib  # noqa: E402
from onnx_import import PROG, ImportFailure, fail, import_model  # noqa: E402


def parse_dims(items, ap):
    dims = {}
    for item in items or []:
        name, _, value = item.partition("=")
        if not name or not value.isdigit() or int(value) <= 0:
            ap.error("--dim expects NAME=POSITIVE_INTEGER, got %r" % item)
        dims[name] = int(value)
    return dims


def main(argv=None):
    ap = argparse.ArgumentParser(prog=PROG, description="Import an ONNX model as a Tessera workload trace.")
    ap.add_argument("model", help="ONNX file")
    ap.add_argument("-o", "--output", required=True, help="trace file to write")
    ap.add_argument("--batch", type=int, help="batch size: sets the first dimension of every graph input")
    ap.add_argument("--dim", action="append", metavar="NAME=VALUE", help="value of a symbolic input dimension")
    ap.add_argument("--name", help="trace name (default: the output file name without .json)")
    args = ap.parse_args(argv)
    if args.batch is not None and args.batch <= 0:
        ap.error("--batch must be positive")
    dims = parse_dims(args.dim, ap)
    name = args.name or os.path.splitext(os.path.basename(args.output))[0]
    try:
        builder = import_model(args.model, args.batch, dims, name)
    except ImportFailure as e:
        fail(str(e))
    except tracelib.ShapeError as e:
        fail("%s: %s" % (os.path.basename(args.model), e))
    tracelib.write_or_exit(builder.to_dict(), args.output, PROG)
    return 0


if __name__ == "__main__":
    sys.exit(main())
