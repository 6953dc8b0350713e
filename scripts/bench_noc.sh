#!/bin/sh
# NoC speed figures: each case in its own process, so that peak memory is per case.
# usage: scripts/bench_noc.sh [build-dir]   (default build-noc; build it Release first)
set -e
build="${1:-$(dirname "$0")/../build-noc}"
bench="$build/noc_bench"
if [ ! -x "$bench" ]; then
  echo "bench_noc.sh: $bench not found; build with cmake --build $build --target noc_bench" >&2
  exit 2
fi
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(uname -m), $(nproc) cores, load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for case in torus8_p4_0.1 torus8_p4_0.2 torus16_p4_0.02 torus16_p4_0.1 torus32_p4_0.01 torus32_p4_0.05 \
            torus8_p1_0.001 sparse; do
  "$bench" "$case"
done
