#!/usr/bin/env bash
# Every test of the web client on a fresh Debian machine: installs what it needs (Debian's
# Chromium, the wasm toolchain through the wasm build, npm ci), builds the client, the server
# and the CLI, exports the synthetic grids, then runs the unit tests (vitest) and the
# end-to-end tests in headless Chromium (node:test + playwright-core, no browser download).
# Screenshots and logs go to target/artifacts/web/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WEB="$ROOT/web"
ARTIFACTS="$ROOT/target/artifacts/web"
mkdir -p "$ARTIFACTS"
log() { printf '\033[1mtest-web:\033[0m %s\n' "$*" >&2; }
sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

if ! dpkg -s chromium >/dev/null 2>&1; then
    log "installing Debian's chromium"
    sudo_if_needed apt-get update -qq
    sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

bash "$WEB/scripts/build.sh"

log "building ampflux-server and the ampflux CLI (release)"
cargo build --release --quiet -p ampflux-server -p ampflux-cli

TESTDATA="${AMPFLUX_TESTDATA:-$ROOT/target/wasm-testdata}"
if ! [ -f "$TESTDATA/synthetic/meshed_100000.json" ]; then
    log "exporting the synthetic grids ($TESTDATA)"
    cargo run --release --quiet -p ampflux-testkit --bin ampflux-testkit -- export "$TESTDATA"
fi
export AMPFLUX_TESTDATA="$TESTDATA"

log "unit tests (vitest)"
(cd "$WEB" && npx vitest run) 2>&1 | tee "$ARTIFACTS/unit.log"
log "end-to-end tests in headless Chromium"
(cd "$WEB" && node --test --test-concurrency=1 --test-reporter=spec e2e/offline.test.mjs e2e/engineering.test.mjs e2e/platform.test.mjs) 2>&1 | tee "$ARTIFACTS/e2e.log"
log "all passed; screenshots in ${ARTIFACTS#"$ROOT/"}"
