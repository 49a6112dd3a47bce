#!/usr/bin/env bash
# Fuzzes ampflux-core: installs cargo-fuzz when missing, builds the seed corpora (seed.sh), then
# runs every target (or the ones named) one at a time for SECONDS_PER_TARGET seconds with one
# libFuzzer job, and prints the executions per target and any crash artifacts.
#
# usage: fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]      (default: 60 s; reader study versions upgrade)
# environment:
#   AMPFLUX_FUZZ_SANITIZER  cargo fuzz --sanitizer (default: address)
#   AMPFLUX_FUZZ_KNOWN      '|'-separated substrings of findings already reported, tolerated so
#                           that fuzzing goes on past them (default: none: every finding stops)
#   AMPFLUX_FUZZ_MAX_LEN    libFuzzer -max_len for every target (default: per target, 20000-32768;
#                           smaller values run faster on a corpus of large documents)
#   FUZZ_ARGS               more libFuzzer flags
# Exit status: 1 when a target found a crash or an invariant violation.
set -uo pipefail
FUZZ="$(cd "$(dirname "$0")" && pwd)"
cd "$FUZZ"
SECONDS_PER_TARGET="${1:-60}"
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=(reader study versions upgrade)
SANITIZER="${AMPFLUX_FUZZ_SANITIZER:-address}"
export RAYON_NUM_THREADS="${RAYON_NUM_THREADS:-1}" # the networks are small; the machine is shared

if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install --locked cargo-fuzz || exit 2
fi
./seed.sh || exit 2
cargo +nightly fuzz build -O --sanitizer "$SANITIZER" || exit 2

declare -A MAX_LEN=([reader]=32768 [study]=20000 [versions]=32768 [upgrade]=32768)
mkdir -p logs
status=0
summary=()
for t in "${TARGETS[@]}"; do
    mkdir -p "artifacts/$t" "corpus/$t"
    before="$(ls "artifacts/$t" | sort)"
    log="$FUZZ/logs/$t-$(date +%Y%m%d-%H%M%S).log"
    work="$(mktemp -d)"
    echo "== $t: ${SECONDS_PER_TARGET}s, log $log"
    # -jobs=1: one worker process, whose output libFuzzer writes to fuzz-0.log in the working
    # directory (a scratch directory here, moved to logs/ afterwards)
    (cd "$work" && cargo +nightly fuzz run --fuzz-dir "$FUZZ" -O --sanitizer "$SANITIZER" "$t" \
        "$FUZZ/corpus/$t" -- \
        -jobs=1 -max_total_time="$SECONDS_PER_TARGET" -max_len="${AMPFLUX_FUZZ_MAX_LEN:-${MAX_LEN[$t]}}" \
        -dict="$FUZZ/corpus/json.dict" -timeout=30 -rss_limit_mb=4096 \
        -print_final_stats=1 ${FUZZ_ARGS:-}) >"$log.driver" 2>&1
    cat "$work"/fuzz-*.log >>"$log" 2>/dev/null
    # executions: the worker's final stats (the parent repeats the worker's log in its own
    # output, so the driver output is not counted), or its last status line after a crash
    execs="$(cat "$work"/fuzz-*.log 2>/dev/null | awk '
        /^stat::number_of_executed_units:/ {final = $2}
        /^#[0-9]+/ {n = substr($1, 2) + 0}
        END {print (final != "" ? final : n + 0)}')"
    cat "$log.driver" >>"$log" && rm -f "$log.driver"
    rm -rf "$work"
    new="$(comm -13 <(echo "$before") <(ls "artifacts/$t" | sort) | grep -v '^$' || true)"
    if [ -n "$new" ] || grep -q -E '^==[0-9]+== ?ERROR|panicked at|invariant violated|deadly signal' "$log"; then
        status=1
        summary+=("$t: $execs executions, FINDING")
        echo "-- $t: finding; see $log"
        grep -h -m3 -E 'panicked at|invariant violated|ERROR: libFuzzer|ERROR: AddressSanitizer' "$log" | cut -c1-400
        for a in $new; do
            echo "   artifact: $FUZZ/artifacts/$t/$a"
            echo "   reproduce: cargo +nightly fuzz run $t artifacts/$t/$a"
            echo "   minimize:  cargo +nightly fuzz tmin $t artifacts/$t/$a"
            echo "   JSON form: cargo run --example decode -- $t artifacts/$t/$a"
        done
    else
        summary+=("$t: $execs executions, no finding")
    fi
done
echo "== executions per target (libFuzzer stat::number_of_executed_units)"
printf '   %s\n' "${summary[@]}"
exit $status
