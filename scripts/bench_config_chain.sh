#!/usr/bin/env bash
# Prints how long `tessera validate` takes on a config that is the end of an `extends` chain of N files,
# for N = 500, 1000, 2000 and 4000: the time per level should stay flat (the loader is linear in the chain).
#   scripts/bench_config_chain.sh [build/tessera]
set -euo pipefail
cd "$(dirname "$0")/.."
binary=${1:-build/tessera}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
printf "%8s %10s %14s\n" depth "wall ms" "us per level"
for depth in 500 1000 2000 4000; do
  rm -f "$dir"/c*.json
  for ((i = 0; i < depth; ++i)); do
    if ((i + 1 < depth)); then echo "{\"extends\": \"c$((i + 1)).json\"}" > "$dir/c$i.json"
    else echo "{\"extends\": \"$PWD/configs/toy_4x4.json\"}" > "$dir/c$i.json"; fi
  done
  start=$(date +%s%N)
  "$binary" validate --config "$dir/c0.json" > /dev/null
  end=$(date +%s%N)
  ms=$(( (end - start) / 1000000 ))
  printf "%8d %10d %14.1f\n" "$depth" "$ms" "$(echo "($end - $start) / 1000 / $depth" | bc -l)"
done
