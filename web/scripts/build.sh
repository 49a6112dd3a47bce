#!/usr/bin/env bash
# Builds the web client into web/dist: the WebAssembly engine (web/pkg, through
# ampflux-wasm/scripts/build.sh), the node packages from the committed lockfile (npm ci, only
# when the lockfile changed), the type check and the Vite production build. Idempotent.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WEB="$ROOT/web"
log() { printf '\033[1mweb:\033[0m %s\n' "$*" >&2; }

if [ "${AMPFLUX_SKIP_WASM:-0}" != 1 ]; then
    bash "$ROOT/ampflux-wasm/scripts/build.sh"
fi

# npm ci when node_modules does not match the lockfile (its hash is kept beside the modules)
STAMP="$WEB/node_modules/.package-lock.sha256"
WANT="$(sha256sum "$WEB/package-lock.json" | cut -c1-64)"
if ! [ -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$WANT" ]; then
    log "npm ci (web)"
    (cd "$WEB" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$WANT" > "$STAMP"
fi

log "type check and production build (web/dist)"
(cd "$WEB" && npx tsc --noEmit -p tsconfig.json && npx vite build --logLevel warn)
log "built web/dist ($(du -sh "$WEB/dist" | cut -f1))"
