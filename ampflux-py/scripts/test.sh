#!/usr/bin/env bash
# Builds the Python package `ampflux` from source and runs its whole pytest suite (API, errors,
# pickling, threads, stubs, README example, pandapower cross-check, and `ampflux.Client`
# against a real `ampflux-server serve` that tests/test_client.py builds and starts on a
# free port in 18800-18899 with a temporary SQLite database).
#
# Works on a fresh Debian machine with the Rust toolchain and Python >= 3.9: everything else
# goes into a virtual environment under target/py/venv. Idempotent (the venv and the cargo
# build are reused; packages are installed only when the list changes) and quiet (setup output
# goes to target/py/setup.log and is shown only on failure). Exits non-zero on any failure.
#
#   bash ampflux-py/scripts/test.sh [pytest args...]
set -euo pipefail

PKG="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOT="$(dirname "$PKG")"
WORK="$ROOT/target/py"
VENV="$WORK/venv"
LOG="$WORK/setup.log"
PY="${PYTHON:-python3}"
REQUIREMENTS=(
  "maturin>=1.5,<2" "pytest>=7" "mypy>=1.8" "pandas-stubs" "numpy" "pandas"
  "pandapower==3.5.6" "power-grid-model" "hypothesis>=6.100"
  "httpx>=0.27,<1" "httpx-sse>=0.4,<1"
)
mkdir -p "$WORK"
: >"$LOG"

step() {  # step DESCRIPTION COMMAND...: runs quietly, shows the log on failure
  local what="$1"; shift
  if ! "$@" >>"$LOG" 2>&1; then
    echo "test.sh: $what failed; log:" >&2
    tail -n 60 "$LOG" >&2
    exit 1
  fi
}

if [ ! -x "$VENV/bin/python" ]; then
  if ! "$PY" -m venv "$VENV" >>"$LOG" 2>&1; then
    # Debian's python3 needs the venv module as a separate package
    step "apt-get install python3-venv" sh -c \
      'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv python3-pip'
    rm -rf "$VENV"
    step "creating the virtual environment" "$PY" -m venv "$VENV"
  fi
fi
PYV="$VENV/bin/python"
export PATH="$VENV/bin:$PATH"   # the maturin backend calls the `maturin` executable

# install the tools and test dependencies when their list changed
WANT="$(printf '%s\n' "${REQUIREMENTS[@]}")"
if [ ! -f "$VENV/.ampflux-requirements" ] || [ "$(cat "$VENV/.ampflux-requirements")" != "$WANT" ]; then
  step "pip install (pip)" "$PYV" -m pip install -q --upgrade pip
  step "pip install (test dependencies)" "$PYV" -m pip install -q "${REQUIREMENTS[@]}"
  printf '%s' "$WANT" >"$VENV/.ampflux-requirements"
fi

# build the wheel from source with the maturin backend of pyproject.toml and install it;
# the cargo target directory persists, so an unchanged crate is not recompiled
export CARGO_TARGET_DIR="$WORK"
step "building and installing ampflux (pip install ./ampflux-py)" \
  "$PYV" -m pip install -q --no-build-isolation --no-deps --force-reinstall "$PKG"

# the reference cases, anchor and synthetic grids as network documents, with native reports;
# built in the workspace's own target directory, where `cargo test --release` left the core
export AMPFLUX_TEST_DATA="$WORK/data"
step "exporting the test data (ampflux-testkit export)" \
  env CARGO_TARGET_DIR="${AMPFLUX_TESTKIT_TARGET:-$ROOT/target}" \
  cargo run --release -q --manifest-path "$ROOT/Cargo.toml" -p ampflux-testkit \
  --bin ampflux-testkit -- export "$AMPFLUX_TEST_DATA"

cd "$PKG"
# run from the package directory: `import ampflux` must find the installed wheel, not the
# source tree (python/ is not on the path)
exec "$PYV" -m pytest -q -p no:cacheprovider "$@" tests
