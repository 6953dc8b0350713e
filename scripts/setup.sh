#!/usr/bin/env bash
# Installs the Debian packages that Tessera's build, tests and scripts need. Idempotent: packages that are
# already installed are not touched. When not root, prints the exact command to run instead.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libsystemc-dev libboost-program-options-dev libspdlog-dev nlohmann-json3-dev catch2
  python3 python3-onnx python3-numpy python3-matplotlib
  chromium
  libopenmpi-dev openmpi-bin
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} Debian packages present"
  exit 0
fi

cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "setup: missing Debian packages: ${missing[*]}" >&2
  echo "setup: run as root:  apt-get update && $cmd" >&2
  exit 1
fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
$cmd
