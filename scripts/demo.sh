#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, builds Tessera (Release) and runs YOLOv6-n at 640x640 on the default
# chip (Grayskull e150), printing the summary. Reports land in out/demo/.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build build -j"$(nproc 2>/dev/null || echo 2)" --target tessera > /dev/null
./build/tessera run --config configs/grayskull_e150.json --trace traces/yolov6n_640.json --out out/demo "$@"
