#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, builds Tessera and runs every test through ctest: first a Release
# build, then the C++ tests again under AddressSanitizer and UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
jobs=$(nproc 2>/dev/null || echo 2)

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure -j"$jobs" --timeout 600

# Sanitizers: the C++ tests only (the script tests run the Release binary above).
cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=Debug -DTESSERA_SANITIZE=ON -DTESSERA_MPI=OFF
cmake --build build-sanitize -j"$jobs" --target tessera tessera_tests
ASAN_OPTIONS=detect_leaks=1:detect_stack_use_after_return=0 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-sanitize --output-on-failure -j"$jobs" --timeout 900 -E '^python\.'
echo "test.sh: all tests passed"
