#!/usr/bin/python3
"""Speed of Tessera, side by side in one run (docs/performance.md):

1. whole-chip runs: every shipped trace on every preset with every NoC model: simulated cycles, wall time,
   peak memory, and how far the packet and ideal models' cycles are from the flit model's;
2. the flit NoC against BookSim2 on the same BookSim2 configuration files (tori 8x8, 16x16, 32x32,
   uniform traffic, 4-flit packets), when a BookSim2 binary is given;
3. cost against work: NoC runs from 4x4 to 32x32 and whole-chip YOLOv6-n at batch 1 to 8 on
   blackhole_p150, as CPU nanoseconds per flit-hop (constant when cost is linear in work);
4. op-by-op profiles (section profiles): each tt-metal profile of tests/data/silicon/ops_perf imported
   (scripts/ttperf2trace.py) and run op by op the way scripts/validate_profiles.py runs it, wall time and
   peak memory of each step; with --held-out, also the held-out OFT profile one op per process;
5. (section pair, with --baseline) this build against another one, by turns: the whole-chip flit runs of
   --presets x --traces and the BookSim2 configurations' `tessera noc` runs, median CPU seconds of --runs
   each and their ratio, and whether the two builds printed the same output.

Each run is its own process, timed by /usr/bin/time (wall seconds, peak resident memory).

usage: scripts/bench_speed.py [--build build] [--booksim /tmp/booksim2/src/booksim]
                              [--sections chip,booksim,scaling] [--presets a,b] [--traces a,b]
                              [--models flit,packet,ideal] [--baseline other-build --runs 3]
                              [--sections profiles [--held-out]]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def timed(cmd, cwd=ROOT, cpu=False, ok=(0,)):
    """Runs cmd under /usr/bin/time; returns (stdout, wall seconds, peak KB), or with `cpu` (stdout, CPU
    seconds (user + system), wall seconds, peak KB)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as t:
        out = subprocess.run(["/usr/bin/time", "-f", "%e %M %U %S", "-o", t.name] + cmd, cwd=cwd,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if out.returncode not in ok:
            raise RuntimeError(" ".join(cmd) + " failed (exit %d): %s" % (out.returncode, out.stderr.strip()[-500:]))
        wall, kb, user, system = t.read().split()[-4:]
    if cpu:
        return out.stdout, float(user) + float(system), float(wall), int(kb)
    return out.stdout, float(wall), int(kb)


def stems(folder):
    return sorted(f[:-5] for f in os.listdir(os.path.join(ROOT, folder)) if f.endswith(".json"))


def chip_run(tessera, config, trace, model, extra=()):
    cmd = [tessera, "run", "--config", config, "--trace", trace, "--set", "noc.model=" + model, "--json", "-q"]
    out, cpu, wall, kb = timed(cmd + list(extra), cpu=True)
    report = json.loads(out)
    return report["total_cycles"], report["stats"].get("noc.flit_hops", 0.0), cpu, wall, kb


def section_chip(args, tessera):
    print("## Whole-chip runs (one core each; error = cycles against the flit model's)")
    print()
    print("| preset | trace | NoC model | cycles | error vs flit | CPU s | wall s | peak MB |")
    print("|---|---|---|---:|---:|---:|---:|---:|")
    models = args.models.split(",")
    order = ["flit"] + [m for m in models if m != "flit"] if "flit" in models else models
    for preset in args.presets.split(",") if args.presets else stems("configs"):
        for trace in args.traces.split(",") if args.traces else stems("traces"):
            flit_cycles = None
            rows = []
            for model in order:
                cycles, _, cpu, wall, kb = chip_run(tessera, "configs/%s.json" % preset, "traces/%s.json" % trace, model)
                if model == "flit":
                    flit_cycles = cycles
                err = "-" if flit_cycles is None or model == "flit" else "%+.1f%%" % (100.0 * (cycles - flit_cycles) / flit_cycles)
                rows.append((model, cycles, err, cpu, wall, kb))
            for model, cycles, err, cpu, wall, kb in sorted(rows, key=lambda r: models.index(r[0])):
                print("| %s | %s | %s | %s | %s | %.2f | %.2f | %.0f |" %
                      (preset, trace, model, f"{cycles:,}", err, cpu, wall, kb / 1024))
            sys.stdout.flush()
    print()


def booksim_cfg(folder, k, rate, packet_flits=4, sample_period=20000, samples=2):
    """A BookSim2 latency run: 2 VCs x 8 flits, uniform traffic, one warm-up period and one measured one."""
    path = os.path.join(folder, "torus%d_p%d_%g.cfg" % (k, packet_flits, rate))
    with open(path, "w") as f:
        f.write("topology = torus;\nk = %d;\nn = 2;\nrouting_function = dim_order;\nnum_vcs = 2;\n"
                "vc_buf_size = 8;\ntraffic = uniform;\npacket_size = %d;\ninjection_rate = %g;\n"
                "injection_rate_uses_flits = 1;\nsim_type = latency;\nwarmup_periods = 1;\n"
                "sample_period = %d;\nmax_samples = %d;\n" % (k, packet_flits, rate, sample_period, samples))
    return path


def booksim_figures(text):
    """Cycles and average packet latency from BookSim2's output."""
    cycles = latency = None
    for line in text.splitlines():
        if line.startswith("Time taken is"):
            cycles = int(line.split()[3])
        if line.startswith("Packet latency average =") and "samples" in line:
            latency = float(line.split("=")[1].split()[0])
    return cycles, latency


def section_booksim(args, tessera, folder):
    print("## Flit NoC against BookSim2 (same configuration files, same machine)")
    print()
    if not args.booksim or not os.access(args.booksim, os.X_OK):
        print("BookSim2 binary not given or not executable (--booksim); build it beside the project, e.g.")
        print("`git clone https://github.com/booksim/booksim2 /tmp/booksim2 && make -C /tmp/booksim2/src`.")
        print()
        return
    print("CPU seconds (user + system) are the fair comparison on a shared machine; speed-up = simulated cycles")
    print("per CPU second, Tessera's over BookSim2's.")
    print()
    print("| network | offered | Tessera cycles | CPU s | wall s | latency | BookSim2 cycles | CPU s | wall s "
          "| latency | speed-up |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for k, rate in ((8, 0.1), (8, 0.2), (16, 0.1), (32, 0.05)):
        cfg = booksim_cfg(folder, k, rate)
        out, t_cpu, t_wall, _ = timed([tessera, "noc", "--booksim-config", cfg, "--json"], cpu=True)
        t = json.loads(out)
        # BookSim2's main returns -1 (255) when the simulation succeeds.
        out, b_cpu, b_wall, _ = timed([args.booksim, cfg], cwd=folder, cpu=True, ok=(0, 255))
        b_cycles, b_latency = booksim_figures(out)
        speedup = ((t["simulated_cycles"] / max(t_cpu, 0.01)) / (b_cycles / b_cpu)
                   if b_cycles and b_cpu > 0 else float("nan"))
        print("| torus %dx%d | %g | %s | %.2f | %.2f | %.2f | %s | %.2f | %.2f | %.2f | %.1fx |" %
              (k, k, rate, f"{t['simulated_cycles']:,}", t_cpu, t_wall, t["avg_packet_latency"],
               f"{b_cycles:,}" if b_cycles else "-", b_cpu, b_wall, b_latency or float("nan"), speedup))
        sys.stdout.flush()
    print()


def section_scaling(args, tessera, folder):
    print("## Cost against work")
    print()
    print("| run | simulated cycles | flit-hops | CPU s | ns (CPU) per flit-hop | peak MB |")
    print("|---|---:|---:|---:|---:|---:|")
    for k in (4, 8, 16, 32):
        cfg = booksim_cfg(folder, k, 0.1, sample_period=10000)
        out, cpu, _, kb = timed([tessera, "noc", "--booksim-config", cfg, "--json"], cpu=True)
        t = json.loads(out)
        print("| NoC torus %dx%d, uniform 0.1 | %s | %s | %.2f | %.0f | %.0f |" %
              (k, k, f"{t['simulated_cycles']:,}", f"{t['flit_hops']:,}", cpu, 1e9 * cpu / max(1, t["flit_hops"]), kb / 1024))
        sys.stdout.flush()
    for batch in (1, 2, 4, 8):
        trace = os.path.join(folder, "yolov6n_b%d.json" % batch)
        subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "scripts/gen_yolov6.py"), "--model", "n", "--batch",
                        str(batch), "-o", trace], check=True, stdout=subprocess.DEVNULL)
        # blackhole_p150: the preset whose SRAM holds YOLOv6-n's largest layers at batch 8.
        cycles, hops, cpu, _, kb = chip_run(tessera, "configs/blackhole_p150.json", trace, "flit")
        print("| YOLOv6-n batch %d, blackhole_p150, flit | %s | %s | %.2f | %.0f | %.0f |" %
              (batch, f"{cycles:,}", f"{int(hops):,}", cpu, 1e9 * cpu / max(1, hops), kb / 1024))
        sys.stdout.flush()
    print()


# Each calibration profile and the preset validate_profiles.py runs it on.
PROFILES = (("wh_64core_clip_encoder", "wormhole_n150"), ("bh_64core_clip_encoder", "blackhole_p150"),
            ("bh_20core_oft_front_end", "blackhole_p150"))


def section_profiles(args, tessera, folder):
    print("## Op-by-op profiles: import and run (mapper.schedule=op_by_op, the preset's own NoC model)")
    print()
    print("| profile | ops | import wall s | import peak MB | run wall s | run CPU s | run peak MB | outcome |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    data = os.path.join(ROOT, "tests", "data", "silicon", "ops_perf")
    for name, preset in PROFILES:
        trace = os.path.join(folder, name + ".json")
        _, import_wall, import_kb = timed(["/usr/bin/python3", os.path.join(ROOT, "scripts", "ttperf2trace.py"),
                                           os.path.join(data, name + ".csv"), "-o", trace])
        with open(trace) as f:
            ops = len(json.load(f)["ops"])
        # Exit 2: the mapper refused the whole profile (SRAM), after trying to fit it; timed all the same.
        out, cpu, wall, kb = timed([tessera, "run", "--config", "configs/%s.json" % preset, "--trace", trace,
                                    "--set", "mapper.schedule=op_by_op", "--json", "-q"], cpu=True, ok=(0, 2))
        outcome = "%s simulated cycles" % f"{json.loads(out)['total_cycles']:,}" if out.strip() else "refused (SRAM), exit 2"
        print("| %s on %s | %d | %.2f | %.0f | %.2f | %.2f | %.0f | %s |" %
              (name, preset, ops, import_wall, import_kb / 1024, wall, cpu, kb / 1024, outcome))
        sys.stdout.flush()
    if args.held_out:
        cmd = ["/usr/bin/python3", os.path.join(ROOT, "scripts", "validate_profiles.py"), "--held-out", "--jobs", "1",
               "--binary", tessera]
        _, cpu, wall, kb = timed(cmd, cpu=True)
        print("| bh_20core_oft_front_end held out, one op a process (validate_profiles.py --held-out --jobs 1) "
              "| | | | %.2f | %.2f | %.0f | largest process |" % (wall, cpu, kb / 1024))
    print()


def section_pair(args, tessera, folder):
    print("## This build against the baseline (flit NoC, run by turns; CPU seconds, medians)")
    print()
    if not args.baseline:
        print("No --baseline build given.")
        print()
        return
    baseline = os.path.join(os.path.abspath(args.baseline), "tessera")
    print("| run | baseline CPU s | this build CPU s | this / baseline | same output |")
    print("|---|---:|---:|---:|---|")
    cases = []
    for preset in (args.presets or "grayskull_e150").split(","):
        for trace in (args.traces or "yolov6n_640,yolov6s_640").split(","):
            cases.append(("%s %s" % (preset, trace),
                          ["run", "--config", "configs/%s.json" % preset, "--trace", "traces/%s.json" % trace,
                           "--set", "noc.model=flit", "--json", "-q"]))
    for k, rate in ((8, 0.1), (8, 0.2), (16, 0.1), (32, 0.05)):
        cases.append(("noc torus %dx%d %g" % (k, k, rate),
                      ["noc", "--booksim-config", booksim_cfg(folder, k, rate), "--json"]))
    for name, cmd in cases:
        times = {baseline: [], tessera: []}
        outputs = {}
        for _ in range(args.runs):
            for binary in (baseline, tessera):
                out, cpu, _, _ = timed([binary] + cmd, cpu=True)
                times[binary].append(cpu)
                outputs[binary] = out
        b, t = (sorted(times[x])[len(times[x]) // 2] for x in (baseline, tessera))
        print("| %s | %.2f | %.2f | %.2f | %s |" % (name, b, t, t / max(b, 1e-9),
                                                  "yes" if outputs[baseline] == outputs[tessera] else "NO"))
        sys.stdout.flush()
    print()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"), help="build directory holding tessera (Release)")
    ap.add_argument("--booksim", help="BookSim2 binary (section booksim)")
    ap.add_argument("--sections", default="chip,booksim,scaling")
    ap.add_argument("--presets", help="comma-separated preset names (default: every configs/*.json)")
    ap.add_argument("--traces", help="comma-separated trace names (default: every traces/*.json)")
    ap.add_argument("--models", default="flit,packet,ideal")
    ap.add_argument("--baseline", help="another build directory holding tessera (section pair)")
    ap.add_argument("--runs", type=int, default=3, help="runs of each build per case (section pair)")
    ap.add_argument("--held-out", action="store_true",
                    help="section profiles: also the held-out OFT profile one op per process (minutes)")
    args = ap.parse_args()
    tessera = os.path.join(os.path.abspath(args.build), "tessera")
    if not os.access(tessera, os.X_OK):
        sys.exit("bench_speed.py: %s not found; build it first (cmake --build %s --target tessera)" % (tessera, args.build))
    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    print("# %s, %d cores, load average %s" % (subprocess.run(["date", "-u", "+%Y-%m-%dT%H:%MZ"], stdout=subprocess.PIPE,
                                                               text=True).stdout.strip(), os.cpu_count(), load))
    print()
    with tempfile.TemporaryDirectory(prefix="tessera_bench_") as folder:
        for section in args.sections.split(","):
            {"chip": lambda: section_chip(args, tessera), "booksim": lambda: section_booksim(args, tessera, folder),
             "scaling": lambda: section_scaling(args, tessera, folder),
             "pair": lambda: section_pair(args, tessera, folder),
             "profiles": lambda: section_profiles(args, tessera, folder)}[section]()


if __name__ == "__main__":
    main()
