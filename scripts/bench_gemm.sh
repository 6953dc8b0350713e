#!/usr/bin/env bash
# GEMM and DRAM-bandwidth calibration runs: simulates each case and prints achieved figures next to the
# silicon ones (docs/validation.md, "Compute and DRAM calibration", says where those come from).
# Usage: scripts/bench_gemm.sh [--quick] [--tessera PATH]   (--quick skips the 16384^3 rows)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
tessera="$root/build/tessera"
quick=0
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --tessera) tessera="$2"; shift ;;
    *) echo "usage: $0 [--quick] [--tessera PATH]" >&2; exit 2 ;;
  esac
  shift
done
[ -x "$tessera" ] || { echo "$0: no tessera binary at $tessera (build first, or pass --tessera)" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# One GEMM case: config, M, K, N, format, fidelity, silicon TFLOPS (or - when none is published).
gemm_row() {
  local config="$1" m="$2" k="$3" n="$4" fmt="$5" fid="$6" ref="$7"
  local trace="$work/gemm_${m}_${k}_${n}_${fmt}_${fid}.json" report="$work/report.json"
  python3 "$root/scripts/gen_gemm.py" --m "$m" --k "$k" --n "$n" --format "$fmt" --fidelity "$fid" -o "$trace"
  local t0 t1
  t0=$(date +%s.%N)
  "$tessera" run --config "$root/configs/$config.json" --trace "$trace" --json --quiet >"$report"
  t1=$(date +%s.%N)
  python3 - "$report" "$config" "${m}x${k}x${n}" "$fmt" "$fid" "$ref" "$t0" "$t1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
config, shape, fmt, fid, ref, t0, t1 = sys.argv[2:9]
ratio = f"{r['achieved_tflops'] / float(ref):.2f}" if ref != "-" else "-"
print(f"| {config} | {shape} | {fmt} | {fid} | {r['total_cycles']:,} | {r['achieved_tflops']:.1f} | "
      f"{r['peak_tflops']:.1f} | {100 * r['utilization']:.1f}% | {ref} | {ratio} | {float(t1) - float(t0):.2f} |")
PY
}

# DRAM streaming: a skinny matmul (M=32) whose weight dominates the bytes; silicon GB/s to compare.
dram_row() {
  local config="$1" k="$2" n="$3" ref="$4"
  local trace="$work/stream_${k}_${n}.json" report="$work/report.json"
  python3 "$root/scripts/gen_gemm.py" --m 32 --k "$k" --n "$n" --format bf16 --fidelity lofi -o "$trace"
  local t0 t1
  t0=$(date +%s.%N)
  "$tessera" run --config "$root/configs/$config.json" --trace "$trace" --json --quiet >"$report"
  t1=$(date +%s.%N)
  python3 - "$report" "$config" "32x${k}x${n}" "$ref" "$t0" "$t1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
config, shape, ref, t0, t1 = sys.argv[2:7]
read = sum(c["bytes_read"]["value"] for n, c in r["stats"]["dram"].items() if n != "all")
gbps = read / r["seconds"] / 1e9
print(f"| {config} | {shape} | {read / 2**20:.1f} MiB | {r['total_cycles']:,} | {gbps:.1f} | {ref} | "
      f"{float(t1) - float(t0):.2f} |")
PY
}

echo "GEMM (achieved TFLOPS = 2 * MACs / simulated time; ref = silicon, tt-metal GEMM report)"
echo "| config | MxKxN | format | fidelity | cycles | TFLOPS | peak | util | silicon TFLOPS | sim/silicon | wall s |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
gemm_row wormhole_n150 4096 4096 4096 bf16 hifi4 -
gemm_row wormhole_n150 4096 4096 4096 bf16 hifi2 68.2
gemm_row wormhole_n150 4096 4096 4096 bfp8 hifi2 -
gemm_row wormhole_n150 4096 4096 4096 bfp4 lofi -
if [ "$quick" = 0 ]; then
  gemm_row wormhole_n150 16384 16384 16384 bf16 hifi4 54.3
  gemm_row wormhole_n150 16384 16384 16384 bfp8 hifi2 102.4
  gemm_row wormhole_n150 16384 16384 16384 bfp4 lofi 199.8
fi
gemm_row blackhole_p150 2560 4992 4992 bf16 hifi4 168.2
gemm_row blackhole_p150 2560 4992 4992 bf16 hifi2 317.0
gemm_row blackhole_p150 3840 4992 6656 bfp8 hifi2 322.0
gemm_row blackhole_p150 3840 4992 6656 bfp8 lofi 611.8
gemm_row blackhole_p150 3840 4992 6656 bfp4 lofi 626.5
echo
echo "DRAM streaming (GB/s = DRAM bytes read / simulated time; ref = silicon read bandwidth)"
echo "| config | MxKxN | bytes read | cycles | GB/s | silicon GB/s | wall s |"
echo "|---|---|---|---|---|---|---|"
dram_row wormhole_n150 8192 8192 265-268
dram_row blackhole_p150 8192 8192 500
