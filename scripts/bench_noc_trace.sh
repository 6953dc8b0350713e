#!/bin/sh
# Speed of `tessera noc-trace`: wall time and peak memory of replaying the largest silicon NoC traces
# (about 1,200-1,350 events each) in both issue modes, each in its own process.
# usage: scripts/bench_noc_trace.sh [build-dir]   (default build; build it Release first)
set -e
root="$(dirname "$0")/.."
build="${1:-$root/build}"
tessera="$build/tessera"
if [ ! -x "$tessera" ]; then
  echo "bench_noc_trace.sh: $tessera not found; build with cmake --build $build --target tessera" >&2
  exit 2
fi
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(uname -m), $(nproc) cores, load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "trace,events,issue,model,wall_s,max_rss_kib"
for trace in DRAM_TO_8x2_BLOCK DRAM_TO_8x4_HEIGHT 2x2_BLOCK_TO_8x4_BLOCK; do
  file="$root/tests/data/silicon/noc_traces/$trace.json"
  events=$(/usr/bin/python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))))" "$file")
  for issue in recorded engine; do
    for model in packet flit; do
      /usr/bin/time -f "%e %M" -o /tmp/bench_noc_trace.$$ "$tessera" noc-trace "$file" \
        --config "$root/configs/wormhole_n150.json" --issue $issue --set noc.model=$model --json > /dev/null
      read -r wall rss < /tmp/bench_noc_trace.$$
      echo "$trace,$events,$issue,$model,$wall,$rss"
    done
  done
done
rm -f /tmp/bench_noc_trace.$$
