#!/usr/bin/env bash
# Every test of the WebAssembly package and the web page, on a fresh Debian machine:
# installs what it needs (the wasm toolchain, npm ci, wasm-bindgen-cli),
# builds the package (scripts/build.sh) and a panic-probe variant, exports the reference
# cases, builds the ampflux CLI as the native reference, and runs the node tests. The web
# client that uses the package in the browser is tested by `make test-web` (web/e2e, headless
# Chromium). Idempotent; exits non-zero on the first failure.
#
# Screenshots, downloads and the test log go to target/artifacts/.
# AMPFLUX_WASM_BENCH=1 also runs the node-vs-native benchmark (bench/sweep.mjs).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
WASM="$ROOT/ampflux-wasm"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
ARTIFACTS="$ROOT/target/artifacts"
mkdir -p "$ARTIFACTS"

log() { printf '\033[1mtest-wasm:\033[0m %s\n' "$*" >&2; }

# --- node packages (playwright-core, typescript) from the committed lockfile ---------------
log "npm ci (ampflux-wasm)"
(cd "$WASM" && npm ci --no-audit --no-fund --loglevel=error)

# --- the packages: a panic-probe variant for the panic-hook test, then the real one --------
log "building the panic-probe variant (target/wasm-probe)"
AMPFLUX_WASM_FEATURES=panic-probe AMPFLUX_WASM_OUT="$ROOT/target/wasm-probe" AMPFLUX_WASM_OPT=0 \
    "$WASM/scripts/build.sh"
log "building the package"
"$WASM/scripts/build.sh" | tee "$ARTIFACTS/wasm-size.txt"

# --- native references: the exported reference cases and the CLI ---------------------------
log "exporting the reference cases and synthetic grids (target/wasm-testdata)"
cargo run --release --quiet -p ampflux-testkit --bin ampflux-testkit -- export "$ROOT/target/wasm-testdata"
log "building the ampflux CLI (the native reference of the page test)"
cargo build --release --quiet -p ampflux-cli

export AMPFLUX_TESTDATA="$ROOT/target/wasm-testdata"
export AMPFLUX_CLI="$TARGET/release/ampflux"
export AMPFLUX_PROBE_PKG="$ROOT/target/wasm-probe/ampflux-wasm/pkg"
export AMPFLUX_ARTIFACTS="$ARTIFACTS"
export AMPFLUX_NO_SKIP=1

# --- tests ---------------------------------------------------------------------------------
log "node tests"
(cd "$WASM" && node --test --test-reporter=spec tests/node/) 2>&1 | tee "$ARTIFACTS/wasm-node-tests.log"

if [ "${AMPFLUX_WASM_BENCH:-0}" = 1 ]; then
    log "benchmark: node vs native"
    node "$WASM/bench/sweep.mjs" | tee "$ARTIFACTS/wasm-bench.txt"
fi
log "all passed; artifacts in ${ARTIFACTS#"$ROOT/"}"
