#!/usr/bin/python3
"""Writes a one-collective trace for `tessera collective` (docs/systems.md): the microbenchmark to run
first on a multi-chip system.

    gen_collective.py --op all_gather --chips 4 --topology line --links 1 --bytes-per-chip 1048576 \\
        --dtype bf16 -o /tmp/ag.json
    tessera collective --system configs/systems/t3000.json --trace /tmp/ag.json

--bytes-per-chip is each chip's input for all_gather and each chip's whole buffer for the others (nccl-
tests' convention). Without --devices the collective runs on the system's first --chips devices along
its rows, as tt-metal runs one on a sub-mesh.
"""

import argparse
import json
import sys

OPS = ("all_gather", "reduce_scatter", "all_reduce", "all_to_all", "send_recv")
DTYPES = ("bf16", "fp16", "fp32", "bfp8", "bfp4", "bfp2")


def collective(op, chips, topology, links, bytes_per_chip, dtype, packet_bytes, devices=None):
    if chips < 2:
        raise ValueError("--chips must be at least 2")
    if topology == "ring" and chips < 3:
        raise ValueError("a ring needs at least 3 chips")
    if devices is not None and len(devices) != chips:
        raise ValueError("--devices must name %d devices" % chips)
    c = {"op": op, "chips": chips, "topology": topology, "links": links, "bytes_per_chip": bytes_per_chip,
         "dtype": dtype, "packet_bytes": packet_bytes}
    if devices is not None:
        c["devices"] = devices
    return c


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--op", choices=OPS, required=True)
    ap.add_argument("--chips", type=int, required=True)
    ap.add_argument("--topology", choices=("line", "ring"), default="line")
    ap.add_argument("--links", type=int, default=1, help="links per neighbouring pair (routing planes)")
    ap.add_argument("--bytes-per-chip", type=int, required=True)
    ap.add_argument("--dtype", choices=DTYPES, default="bf16")
    ap.add_argument("--packet-bytes", type=int, default=4352, help="payload per fabric packet (TT-Fabric's default)")
    ap.add_argument("--devices", help="comma-separated device ids in collective order")
    ap.add_argument("-o", "--output", required=True)
    args = ap.parse_args(argv)
    devices = [int(d) for d in args.devices.split(",")] if args.devices else None
    try:
        c = collective(args.op, args.chips, args.topology, args.links, args.bytes_per_chip, args.dtype,
                       args.packet_bytes, devices)
    except ValueError as e:
        print("gen_collective.py: %s" % e, file=sys.stderr)
        return 2
    name = "%s_%dchip_%s_%dlink_%dB" % (args.op, args.chips, args.topology, args.links, args.bytes_per_chip)
    trace = {"format": "tessera-collective", "name": name, "collectives": [c]}
    with open(args.output, "w") as f:
        json.dump(trace, f, indent=1)
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
