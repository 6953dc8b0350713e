#!/usr/bin/python3
"""Writes the system presets configs/systems/*.json: device grids and Ethernet links.

Which Ethernet channel of which chip meets which: the T3000's and n300's measured links come from the
tt-metal topology file of the line-4 fabric trace (tests/data/systems/README.md); every other
assignment follows one rule per chip family, stated in docs/systems.md and marked as assumed there.
Run from the repository root: /usr/bin/python3 scripts/gen_system_presets.py
"""
import json
import os

# Ethernet channel -> NoC position, tt-metal's numbering (must equal the chip presets' ethernet_positions).
WH_ETH = [[9, 0], [1, 0], [8, 0], [2, 0], [7, 0], [3, 0], [6, 0], [4, 0],
          [9, 6], [1, 6], [8, 6], [2, 6], [7, 6], [3, 6], [6, 6], [4, 6]]
BH_ETH = [[c if c <= 7 else c - 1, 0] for c in [1, 16, 2, 15, 3, 14, 4, 13, 5, 12, 6, 11, 7, 10]]

# Channels per grid direction (west, east, north, south), one routing plane per position in the list.
# Wormhole: tt-metal's Galaxy groups (0-3, 12-15 along x; 4-7, 8-11 along y). Blackhole: assumed.
WH_SIDES = {"W": [0, 1, 2, 3], "E": [12, 13, 14, 15], "N": [4, 5, 6, 7], "S": [8, 9, 10, 11]}
BH_SIDES = {"W": [0, 1], "E": [2, 3], "N": [4, 5], "S": [6, 7]}

WH_ETHERNET = {"gbytes_per_s": 12.5, "latency_1d_ns": 711, "latency_2d_ns": 874, "framing_bytes": 50,
               "frame_bytes": 1500,
               "fabric_header_1d_bytes": 48, "fabric_header_2d_bytes": 80, "max_payload_bytes": 7616,
               "sender_slots": 8, "receiver_slots": 16, "sender_slots_free_on_completion": True}
BH_ETHERNET = dict(WH_ETHERNET, gbytes_per_s=25.0, latency_1d_ns=515, latency_2d_ns=619, max_payload_bytes=15232)
# What the CCL kernels cost besides moving packets (docs/systems.md, "Kernel costs"): op_launch_ns is
# calibrated on the 2-chip all_gather of 4 KiB per arch, T = 4 KiB of output, 2 KiB per chip (held out:
# the 8-chip all_reduce rows); the
# packets per semaphore are tt-metal's chunks_per_sync defaults; reduce_scatter packets hold 2 tiles (its scatter write).
WH_CCL = {"op_launch_ns": 5237, "worker_handshake": True, "step_semaphores": True, "gather_local_write": True,
          "gather_mux": True, "reduce_mux": True, "reduce_tiles_per_packet": 2, "tensors_in_dram": True,
          "reduce_packets_per_sync_line": 20, "reduce_packets_per_sync_ring": 80, "gather_packets_per_sync": 160}
BH_CCL = dict(WH_CCL, op_launch_ns=2926)


def port(dev, chan, eth):
    return [dev, eth[chan][0], eth[chan][1]]


def grid_links(devices, wrap, sides, eth, planes):
    """Links between grid neighbours: east side of a device to the west side of its east neighbour, south
    side to the north side of its south neighbour, `planes` links each, wrap-around pairs included."""
    rows, cols = len(devices), len(devices[0])
    links = []
    for r in range(rows):
        for c in range(cols):
            for (dr, dc, out, into, wraps, size, idx) in ((0, 1, "E", "W", wrap[0], cols, c),
                                                          (1, 0, "S", "N", wrap[1], rows, r)):
                if idx + 1 >= size and not wraps:
                    continue
                if size < 2:
                    continue
                a = devices[r][c]
                b = devices[(r + dr) % rows][(c + dc) % cols]
                for k in range(planes):
                    links.append({"a": port(a, sides[out][k], eth), "b": port(b, sides[into][k], eth)})
    return links


def t3000_links():
    """tt-metal's T3000: four n300 cards (device d with d + 4), chips 0-3 on PCIe. The channels of one link
    per edge below are measured (line-4 trace topology); the second link of each edge and the three edges
    the trace does not cross (3-2, 4-7, 6-5) are assumed."""
    pairs = [
        (0, 8, 4, 0), (0, 9, 4, 1),   # n300 card: measured 0:8 - 4:0
        (3, 8, 7, 0), (3, 9, 7, 1),   # measured 3:8 - 7:0
        (2, 8, 6, 0), (2, 9, 6, 1),   # measured 2:8 - 6:0
        (1, 8, 5, 0), (1, 9, 5, 1),   # measured 1:8 - 5:0
        (0, 1, 3, 1), (0, 0, 3, 0),   # measured 0:1 - 3:1
        (2, 7, 1, 7), (2, 6, 1, 6),   # measured 2:7 - 1:7
        (7, 7, 6, 7), (7, 6, 6, 6),   # measured 7:7 - 6:7
        (3, 6, 2, 0), (3, 7, 2, 1),   # assumed
        (4, 6, 7, 8), (4, 7, 7, 9),   # assumed
        (6, 8, 5, 6), (6, 9, 5, 7),   # assumed
    ]
    return [{"a": port(a, ca, WH_ETH), "b": port(b, cb, WH_ETH)} for a, ca, b, cb in pairs]


def system(name, description, chip, devices, routing, wrap, ethernet, links):
    return {"description": description,
            "system": {"name": name, "chip": chip, "devices": devices, "routing": routing, "wrap": wrap},
            "ethernet": ethernet, "ccl": WH_CCL if ethernet is WH_ETHERNET else BH_CCL, "links": links}


def main():
    wh, bh, bhg = "../wormhole_n150.json", "../blackhole_p150.json", "../blackhole_galaxy.json"
    galaxy = [[r * 4 + c for c in range(4)] for r in range(8)]
    presets = {
        "n300": system("n300", "Wormhole n300: two chips on one card, two Ethernet links (measured channels "
                       "8, 9 to 0, 1). Sources in docs/systems.md.", wh, [[0, 1]], "line", [False, False],
                       WH_ETHERNET, [{"a": port(0, 8, WH_ETH), "b": port(1, 0, WH_ETH)},
                                     {"a": port(0, 9, WH_ETH), "b": port(1, 1, WH_ETH)}]),
        "t3000": system("t3000", "Wormhole T3000 / LoudBox: 8 chips (4 n300) as a 2x4 mesh, tt-metal device "
                        "ids, 2 links per edge. Sources in docs/systems.md.", wh, [[0, 3, 2, 1], [4, 7, 6, 5]],
                        "mesh", [False, False], WH_ETHERNET, t3000_links()),
        "wh_galaxy": system("wh_galaxy", "Wormhole Galaxy: 32 chips, 8 rows x 4 columns mesh, 4 links (routing "
                            "planes) per neighbour. Sources in docs/systems.md.", wh, galaxy, "mesh", [False, False],
                            WH_ETHERNET, grid_links(galaxy, [False, False], WH_SIDES, WH_ETH, 4)),
        "wh_galaxy_torus": system("wh_galaxy_torus", "Wormhole Galaxy closed into a 2-D torus: every chip uses "
                                  "its 16 links. Sources in docs/systems.md.", wh, galaxy, "torus", [True, True],
                                  WH_ETHERNET, grid_links(galaxy, [True, True], WH_SIDES, WH_ETH, 4)),
        "p300": system("p300", "Blackhole p300: two chips on one card, 2 links. Sources in docs/systems.md.", bh,
                       [[0, 1]], "line", [False, False], BH_ETHERNET,
                       grid_links([[0, 1]], [False, False], BH_SIDES, BH_ETH, 2)),
        "quietbox2": system("quietbox2", "Blackhole QuietBox 2: four p150 as a ring, 2 links per neighbour "
                            "(ttsim; tt-metal's descriptor has 4). Sources in docs/systems.md.", bh, [[0, 1, 2, 3]],
                            "ring", [True, False], BH_ETHERNET,
                            grid_links([[0, 1, 2, 3]], [True, False], BH_SIDES, BH_ETH, 2)),
        "bh_loudbox": system("bh_loudbox", "Blackhole LoudBox: eight p150b, 2x4 with the 4-chip axis a ring, "
                             "2 links per neighbour. Sources in docs/systems.md.", bh, [[0, 1, 2, 3], [4, 5, 6, 7]],
                             "torus", [True, False], BH_ETHERNET,
                             grid_links([[0, 1, 2, 3], [4, 5, 6, 7]], [True, False], BH_SIDES, BH_ETH, 2)),
        "bh_galaxy": system("bh_galaxy", "Blackhole Galaxy: 32 chips, 8 rows x 4 columns mesh, 2 links per "
                            "neighbour. Sources in docs/systems.md.", bhg, galaxy, "mesh", [False, False],
                            BH_ETHERNET, grid_links(galaxy, [False, False], BH_SIDES, BH_ETH, 2)),
        "bh_galaxy_torus": system("bh_galaxy_torus", "Blackhole Galaxy closed into a 2-D torus, 2 links per "
                                  "neighbour. Sources in docs/systems.md.", bhg, galaxy, "torus", [True, True],
                                  BH_ETHERNET, grid_links(galaxy, [True, True], BH_SIDES, BH_ETH, 2)),
    }
    os.makedirs("configs/systems", exist_ok=True)
    for name, body in presets.items():
        # Lists on one line and one link per line keep the files short and diffable.
        sys_part = ",\n".join(f"    {json.dumps(k)}: {json.dumps(v)}" for k, v in body["system"].items())
        eth_part = ",\n".join(f"    {json.dumps(k)}: {json.dumps(v)}" for k, v in body["ethernet"].items())
        ccl_part = ",\n".join(f"    {json.dumps(k)}: {json.dumps(v)}" for k, v in body["ccl"].items())
        links = ",\n".join("    " + json.dumps(l) for l in body["links"])
        text = (f'{{\n  "description": {json.dumps(body["description"])},\n  "system": {{\n{sys_part}\n  }},\n'
                f'  "ethernet": {{\n{eth_part}\n  }},\n  "ccl": {{\n{ccl_part}\n  }},\n  "links": [\n{links}\n  ]\n}}\n')
        with open(f"configs/systems/{name}.json", "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
