#!/usr/bin/env bash
# Instructions per call of the all-bus 3ph sweep, native and wasm (node), for both APIs:
# independent of the load on the machine, unlike the wall-clock figures of sweep.mjs.
# Each side runs under valgrind's callgrind twice, with RUNS and with 0 extra calls after one
# warm-up call; the difference divided by RUNS is one call (start-up, reading the document
# and compiling the module cancel out). node runs with --no-liftoff, so that every wasm
# function is compiled once by the optimizing tier at instantiation (as in a warm sweep).
#
#   bash ampflux-wasm/bench/instructions.sh [NETWORK.json (default: the 10k-bus grid)] [RUNS=3]
#
# Needs valgrind, the node package (scripts/build.sh) and the native example (sweep.mjs
# builds it; this script builds it the same way).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
FILE="${1:-$ROOT/target/wasm-testdata/synthetic/meshed_10000.json}"
RUNS="${2:-3}"
TARGET_DIR="${AMPFLUX_NATIVE_TARGET_DIR:-$ROOT/target/wasm-native}"
NATIVE="$TARGET_DIR/release/examples/native_sweep"

command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install valgrind)" >&2; exit 1; }
env CARGO_TARGET_DIR="$TARGET_DIR" CARGO_PROFILE_RELEASE_LTO=fat CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 \
    CARGO_PROFILE_RELEASE_DEBUG=0 cargo build --release --quiet -p ampflux-wasm --example native_sweep

count() { # command... -> instructions executed (all threads)
    valgrind --tool=callgrind --callgrind-out-file=/dev/null --smc-check=all-non-file "$@" 2>&1 >/dev/null \
        | awk '/Collected :/ { print $NF }'
}

per_call() { # side api
    local side="$1" api="$2" many few
    if [ "$side" = native ]; then
        many=$(count "$NATIVE" "$FILE" "$RUNS" "$api")
        few=$(count "$NATIVE" "$FILE" 0 "$api")
    else
        many=$(count node --no-liftoff ampflux-wasm/bench/calls.mjs "$FILE" "$RUNS" "$api")
        few=$(count node --no-liftoff ampflux-wasm/bench/calls.mjs "$FILE" 0 "$api")
    fi
    echo $(((many - few) / RUNS))
}

echo "instructions per call, $(basename "$FILE"), all-bus 3ph max (callgrind, differences of $RUNS calls):"
for api in objects columns; do
    native=$(per_call native "$api")
    wasm=$(per_call wasm "$api")
    awk -v api="$api" -v n="$native" -v w="$wasm" 'BEGIN {
        printf "  %-8s native %.3g, wasm %.3g, wasm/native = %.2f\n", api, n, w, w / n }'
done
