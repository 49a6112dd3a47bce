#!/usr/bin/env bash
# AmpFlux against pandapower 3.5.6 (and power-grid-model where it supports the case) on the same
# networks, in the same run: prints the measured times, the speed ratios and the Ik'' deviations,
# and writes them to target/bench/compare.json. See benches/compare.py for what is timed.
#
#   benches/compare.sh [--full] [compare.py options...]
#
# Works on a fresh Debian machine with the Rust toolchain and python3: it creates a virtual
# environment under target/bench/venv (pinned pandapower 3.5.6, power-grid-model, numpy, pandas,
# scipy, threadpoolctl (to time pandapower's dense mode with one BLAS thread as well);
# reinstalled only when that list changes), builds ampflux-time, ampflux and ampflux-testkit in
# release mode (target/), exports the anchor and synthetic grids to target/bench/data when they
# are missing or older than the ampflux-testkit binary, and runs compare.py. Setup output goes
# to target/bench/setup.log (shown on failure). Subsets: --networks case1354pegase,case9241pegase
# --faults 3ph --no-pgm --no-synthetic (compare.py --help lists every option).
#
# Bounded in time: by default the 100k-bus synthetic grid (AmpFlux only), pandapower's dense
# mode (inverse_y=True) and PGM's single-phase sweep on grids above 5000 buses are skipped, and a
# run longer than 10 s is timed once; --full includes them all and times long runs 3 times. The
# whole run is stopped after BENCH_TIMEOUT seconds (default 3600, 10800 with --full).
# Exits non-zero on any failure (setup, build, export, a tool that fails, a sanity check that
# does not hold).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$ROOT/target/bench"
VENV="$WORK/venv"
LOG="$WORK/setup.log"
DATA="${AMPFLUX_BENCH_DATA:-$WORK/data}"
PY="${PYTHON:-python3}"
CARGO="${CARGO:-cargo}"
# pinned: the figures in benches/README.md were measured with exactly these
REQUIREMENTS=("pandapower==3.5.6" "power-grid-model==1.12.110" "numpy==2.4.6" "pandas==2.3.3"
              "scipy==1.17.1" "threadpoolctl==3.8.0")

FULL=0
ARGS=()
for a in "$@"; do
  if [ "$a" = "--full" ]; then FULL=1; fi
  ARGS+=("$a")
done
TIMEOUT="${BENCH_TIMEOUT:-$([ "$FULL" = 1 ] && echo 10800 || echo 3600)}"

mkdir -p "$WORK"
: >"$LOG"

step() {  # step DESCRIPTION COMMAND...: runs quietly, shows the log on failure
  local what="$1"; shift
  echo "compare.sh: $what" >&2
  if ! "$@" >>"$LOG" 2>&1; then
    echo "compare.sh: $what failed; last lines of $LOG:" >&2
    tail -n 60 "$LOG" >&2
    exit 1
  fi
}

# 1. the virtual environment with the other tools
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
WANT="$(printf '%s\n' "${REQUIREMENTS[@]}")"
if [ ! -f "$VENV/.ampflux-bench-requirements" ] || [ "$(cat "$VENV/.ampflux-bench-requirements")" != "$WANT" ]; then
  step "pip install --upgrade pip" "$PYV" -m pip install -q --disable-pip-version-check --upgrade pip
  step "pip install ${REQUIREMENTS[*]}" "$PYV" -m pip install -q --disable-pip-version-check "${REQUIREMENTS[@]}"
  printf '%s' "$WANT" >"$VENV/.ampflux-bench-requirements"
fi

# 2. the AmpFlux binaries (release, the workspace's own target directory); one cargo invocation
#    so that ampflux-core is compiled once for the three
cd "$ROOT"
step "cargo build --release (ampflux-time, ampflux, ampflux-testkit)" \
  "$CARGO" build --release -p ampflux-benches --bin ampflux-time -p ampflux-cli --bin ampflux \
  -p ampflux-testkit --bin ampflux-testkit
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release"

# 3. the networks as AmpFlux documents (anchor grids and synthetic grids)
#    (again when the converter was rebuilt since the last export)
STAMP="$DATA/.ampflux-bench-export"
if [ ! -f "$STAMP" ] || [ "$BIN/ampflux-testkit" -nt "$STAMP" ] \
   || [ ! -f "$DATA/anchors/case9241pegase.json" ] || [ ! -f "$DATA/synthetic/meshed_100000.json" ]; then
  step "ampflux-testkit export $DATA" "$BIN/ampflux-testkit" export "$DATA"
  touch "$STAMP"
fi

# 4. the comparison (its own output is the report)
echo "compare.sh: running compare.py (at most ${TIMEOUT} s)" >&2
set +e
timeout --signal=TERM --kill-after=30 "$TIMEOUT" \
  "$PYV" "$ROOT/benches/compare.py" --bin "$BIN" --data "$DATA" \
  --out "$WORK/compare.json" ${ARGS[@]+"${ARGS[@]}"}
rc=$?
set -e
if [ "$rc" = 124 ]; then
  echo "compare.sh: compare.py did not finish within ${TIMEOUT} s (BENCH_TIMEOUT)" >&2
fi
exit "$rc"
