#!/usr/bin/env bash
# Builds the WebAssembly package: ampflux-wasm/pkg (node, CommonJS) and web/pkg (browser, ES
# module) with their package.json and TypeScript declarations, and reports the gzipped size
# of the .wasm. Installs what it needs (see shared/notes/toolchain.md):
#   - Debian's rustc-web, cargo-web, rust-web-src and lld-19 (wasm32 std is built from source
#     with -Zbuild-std, since rustup cannot download it here),
#   - wasm-bindgen-cli at exactly the wasm-bindgen version of Cargo.lock, in a cache dir,
#   - binaryen's wasm-opt from npm (ampflux-wasm/package-lock.json).
# Idempotent: cargo and the tool cache skip what is up to date.
#
# Environment: AMPFLUX_TOOLS (tool cache, default ~/.cache/ampflux-tools),
#              AMPFLUX_WASM_FEATURES (extra cargo features, e.g. panic-probe for tests),
#              AMPFLUX_WASM_OUT (output root instead of the repository, for such builds),
#              AMPFLUX_WASM_RUSTFLAGS (extra rustc flags, e.g. -C target-feature=+simd128),
#              AMPFLUX_WASM_OPT_LEVEL (default: 3),
#              AMPFLUX_WASM_OPT=0 (no wasm-opt pass),
#              AMPFLUX_WASM_TARGET_DIR (default: target/wasm).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
TOOLS="${AMPFLUX_TOOLS:-$HOME/.cache/ampflux-tools}"
FEATURES="${AMPFLUX_WASM_FEATURES:-}"
OUT="${AMPFLUX_WASM_OUT:-$ROOT}"
TARGET_DIR="${AMPFLUX_WASM_TARGET_DIR:-$ROOT/target/wasm}"
BUDGET_BYTES=$((1024 * 1024))

log() { printf '\033[1mwasm:\033[0m %s\n' "$*" >&2; }

sudo_if_needed() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# --- toolchain: Debian's rustc-web with the std sources and lld ------------------------------
APT_PACKAGES=(rustc-web cargo-web rust-web-src lld-19)
if ! dpkg -s "${APT_PACKAGES[@]}" >/dev/null 2>&1; then
    log "installing ${APT_PACKAGES[*]} from Debian"
    sudo_if_needed apt-get update -qq
    sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${APT_PACKAGES[@]}" >/dev/null
fi
RUSTC_WEB=/usr/bin/rustc
CARGO_WEB=/usr/bin/cargo
WASM_LD=/usr/bin/wasm-ld-19

# --- wasm-bindgen-cli at the version of Cargo.lock -------------------------------------------
WB_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
if [ -z "$WB_VERSION" ]; then
    echo "wasm-bindgen not found in Cargo.lock" >&2
    exit 1
fi
WB_ROOT="$TOOLS/wasm-bindgen-$WB_VERSION"
WASM_BINDGEN="$WB_ROOT/bin/wasm-bindgen"
if ! [ -x "$WASM_BINDGEN" ] || [ "$("$WASM_BINDGEN" --version)" != "wasm-bindgen $WB_VERSION" ]; then
    log "installing wasm-bindgen-cli $WB_VERSION into $WB_ROOT (a few minutes, once)"
    # not --locked: the CLI's own lockfile pins a webpki-roots release the registry no longer has
    cargo install wasm-bindgen-cli --version "=$WB_VERSION" --root "$WB_ROOT" --quiet
fi

# --- compile to wasm32 -----------------------------------------------------------------------
log "compiling ampflux-wasm for wasm32-unknown-unknown (target dir ${TARGET_DIR#"$ROOT/"})"
# The workspace's release profile is for native code; the wasm build overrides it here:
# size-friendly but fast code, whole-program LTO, one codegen unit, no debug info, abort on
# panic (the panic hook turns a panic into a thrown AmpFluxError first). No 128-bit SIMD by
# default: measured side by side, `-C target-feature=+simd128` did not make the sweeps faster
# (the hot loops are sparse and scalar; an explicit f64x2 block-solve kernel was no faster
# either: benches/README.md, third round), so the package keeps to what older browsers run.
RUSTFLAGS_WASM="${AMPFLUX_WASM_RUSTFLAGS:-}"
env RUSTC="$RUSTC_WEB" RUSTC_BOOTSTRAP=1 \
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER="$WASM_LD" \
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="$RUSTFLAGS_WASM" \
    CARGO_PROFILE_RELEASE_OPT_LEVEL="${AMPFLUX_WASM_OPT_LEVEL:-3}" \
    CARGO_PROFILE_RELEASE_LTO=fat \
    CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 \
    CARGO_PROFILE_RELEASE_DEBUG=0 \
    CARGO_PROFILE_RELEASE_STRIP=debuginfo \
    CARGO_PROFILE_RELEASE_PANIC=abort \
    CARGO_TARGET_DIR="$TARGET_DIR" \
    "$CARGO_WEB" build --release --quiet \
    --target wasm32-unknown-unknown -Zbuild-std=std,panic_abort \
    -p ampflux-wasm ${FEATURES:+--features "$FEATURES"}
WASM_IN="$TARGET_DIR/wasm32-unknown-unknown/release/ampflux_wasm.wasm"

# --- JS glue, one package per target ---------------------------------------------------------
PKG_VERSION="$(awk -F'"' '/^\[workspace.package\]/ { w = 1 } w && /^version = / { print $2; exit }' Cargo.toml)"

write_package_json() { # dir module-type
    local dir="$1" type="$2"
    cat > "$dir/package.json" <<EOF
{
  "name": "ampflux-wasm",
  "version": "$PKG_VERSION",
  "description": "IEC 60909 short-circuit studies in the browser and node (AmpFlux, WebAssembly)",
  "license": "MIT OR Apache-2.0",
  "type": "$type",
  "main": "ampflux_wasm.js",
  "types": "ampflux_wasm.d.ts",
  "files": ["ampflux_wasm.js", "ampflux_wasm.d.ts", "ampflux_wasm_bg.wasm", "ampflux_wasm_bg.wasm.d.ts", "snippets/"],
  "sideEffects": false
}
EOF
}

# The crate's JS snippets (ampflux-wasm/js/*.js, e.g. the bus rows of shortCircuit) are ES
# modules that export functions; the node package is CommonJS, so there each
# `export function f` becomes `exports.f = function f` (anything else exported or imported
# stops the build).
commonjs_snippets() { # pkg-dir
    local file
    while IFS= read -r -d '' file; do
        sed -i -E 's/^export function ([A-Za-z0-9_]+)/exports.\1 = function \1/' "$file"
        if grep -qE '^[[:space:]]*(export|import)[[:space:]{*]' "$file"; then
            echo "$file: a snippet may only export functions (export function name)" >&2
            exit 1
        fi
    done < <(find "$1/snippets" -name '*.js' -print0 2>/dev/null)
}

bindgen() { # target out-dir module-type
    local target="$1" dir="$2" type="$3"
    rm -rf "$dir"
    mkdir -p "$dir"
    "$WASM_BINDGEN" --target "$target" --out-dir "$dir" --out-name ampflux_wasm "$WASM_IN"
    if [ "$type" = commonjs ]; then commonjs_snippets "$dir"; fi
    write_package_json "$dir" "$type"
}

# wasm-opt -O3 (binaryen from npm, pinned in package-lock.json): about 10 % faster sweeps on
# large grids and a smaller file. The .wasm is the same for both targets, so it is optimized
# once and cached by content. AMPFLUX_WASM_OPT=0 skips it.
optimize() { # pkg-dir...
    [ "${AMPFLUX_WASM_OPT:-1}" = 1 ] || return 0
    local wasm_opt="$ROOT/ampflux-wasm/node_modules/.bin/wasm-opt"
    if ! [ -x "$wasm_opt" ]; then
        log "npm ci (ampflux-wasm: binaryen for wasm-opt)"
        (cd "$ROOT/ampflux-wasm" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    fi
    local first="$1/ampflux_wasm_bg.wasm"
    local key cache
    key="$(sha256sum "$first" | cut -c1-32)"
    cache="$TARGET_DIR/wasm-opt/$key.wasm"
    if ! [ -f "$cache" ]; then
        log "wasm-opt -O3 (about a minute)"
        mkdir -p "$(dirname "$cache")"
        # the features rustc emits for wasm32-unknown-unknown (plus SIMD when asked for)
        local features=(--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
            --enable-mutable-globals --enable-reference-types --enable-multivalue)
        case "$RUSTFLAGS_WASM" in *simd128*) features+=(--enable-simd) ;; esac
        "$wasm_opt" -O3 "${features[@]}" "$first" -o "$cache.tmp"
        mv "$cache.tmp" "$cache"
    fi
    for dir in "$@"; do
        cmp -s "$dir/ampflux_wasm_bg.wasm" "$first" || { echo "$dir: a different .wasm than $first" >&2; exit 1; }
    done
    for dir in "$@"; do cp "$cache" "$dir/ampflux_wasm_bg.wasm"; done
}

# the test-only panic probe must never reach a real package
case ",$FEATURES," in
    *,panic-probe,*) ;;
    *) if grep -aq "__panicProbe" "$WASM_IN"; then
           echo "$WASM_IN still holds the panic-probe build; remove it and build again" >&2
           exit 1
       fi ;;
esac

bindgen nodejs "$OUT/ampflux-wasm/pkg" commonjs
bindgen web "$OUT/web/pkg" module
optimize "$OUT/ampflux-wasm/pkg" "$OUT/web/pkg"
# the page preloads the bundled example network (copied, so that web/ has no second copy)
cp examples/networks/industrial_plant.json "$OUT/web/pkg/example-network.json"

# --- size report -----------------------------------------------------------------------------
WASM_OUT="$OUT/ampflux-wasm/pkg/ampflux_wasm_bg.wasm"
RAW=$(stat -c %s "$WASM_OUT")
GZ=$(gzip -9 -c "$WASM_OUT" | wc -c)
log "built $OUT/ampflux-wasm/pkg (node) and $OUT/web/pkg (web)"
awk -v raw="$RAW" -v gz="$GZ" -v budget="$BUDGET_BYTES" 'BEGIN {
    printf "wasm size: %d bytes (%.1f KiB), gzipped %d bytes (%.1f KiB); budget %d KiB gzipped\n",
        raw, raw / 1024, gz, gz / 1024, budget / 1024 }'
if [ "$GZ" -ge "$BUDGET_BYTES" ]; then
    echo "the gzipped .wasm exceeds the 1 MiB budget" >&2
    exit 1
fi
