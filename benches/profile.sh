#!/usr/bin/env bash
# Where the time of a whole `ampflux sc` process goes, stage by stage, as repeatable instruction
# counts (valgrind's callgrind; timings on a shared machine are not repeatable, counts are).
#
#   benches/profile.sh [NETWORK.json] [ampflux sc options...]
#   (default: target/testdata/anchors/case9241pegase.json, 3ph max, all buses, exact Ib, JSON)
#
# Builds the CLI without the `parallel` feature into target/profile (every stage then runs on
# the main thread, so callgrind's inclusive cost of each stage's function is the whole stage;
# rayon's worker threads would hide it) and prints one markdown table: instructions per
# stage, share of the process. Set AMPFLUX_BIN to profile another build of the single-thread
# CLI (e.g. an older commit's). Needs valgrind and python3; export the networks first:
#   cargo run --release -p ampflux-testkit --bin ampflux-testkit -- export target/testdata
# Notes: valgrind's CPU lacks SHA-NI, so the digest's SHA-256 runs in software here (natively
# it is a small part of the digest); the counts do not include the kernel (page faults, reading
# the file).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NET="${1:-$ROOT/target/testdata/anchors/case9241pegase.json}"
shift || true
OUT="$ROOT/target/profile"
mkdir -p "$OUT"
BIN="${AMPFLUX_BIN:-}"
if [ -z "$BIN" ]; then
  cargo build --release -q -p ampflux-cli --no-default-features --target-dir "$OUT/build"
  BIN="$OUT/build/release/ampflux"
fi
CG="$OUT/callgrind.out"
valgrind --tool=callgrind --callgrind-out-file="$CG" "$BIN" sc "$NET" --format json "$@" \
  >/dev/null 2>"$OUT/valgrind.log"
callgrind_annotate --inclusive=yes --threshold=100 "$CG" >"$OUT/inclusive.txt" 2>/dev/null
python3 - "$OUT/inclusive.txt" "$NET" "$*" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
total = int(re.search(r"([\d,]+) \(100\.0%\)\s+PROGRAM TOTALS", text).group(1).replace(",", ""))
cost = {}
for m in re.finditer(r"^\s*([\d,]+) \([^)]*\)\s+\S*?:(\S.*?)(?: \[.*\])?$", text, re.M):
    n, fn = int(m.group(1).replace(",", "")), m.group(2)
    cost[fn] = max(cost.get(fn, 0), n)
def find(*patterns):
    best = 0
    for fn, n in cost.items():
        if any(re.search(p, fn) for p in patterns):
            best = max(best, n)
    return best
stages = [
    ("read the file", [r"ampflux::input::read_text$"]),
    ("parse", [r"Network>::from_json$"]),
    ("validate", [r"validate::<impl ampflux_core::model::Network>::validate$"]),
    ("compile the sequence networks", [r"system::compile::compile$"]),
    ("symbolic analysis (AMD, pattern of L)", [r"Admittance::new$"]),
    ("factor (every sequence matrix)", [r"Admittance::factor$"]),
    ("selected inversion (every Z_kk)", [r"location::Entries::compute$"]),
    ("per-location evaluation incl. exact Ib", [r"location::base_data$"]),
    ("  of which block solves for Ib (Factor::columns)", [r"sparse::Factor::columns$"]),
    ("kappa, ip, Ith per location (bus_result, meshing)", []),
    ("digest of the network (in the report)", [r"Network>::digest$"]),
    ("write the JSON report", [r"ampflux::output::report$", r"ampflux::output::render$"]),
]
rows = []
for name, pats in stages:
    if not pats:
        n = find(r"location::bus_result$") + find(r"location::meshing$")
    else:
        n = find(*pats)
    rows.append((name, n))
counted = sum(n for name, n in rows if not name.startswith("  "))
print(f"callgrind, `ampflux sc {sys.argv[2].split('/')[-1]} --format json {sys.argv[3]}` "
      f"(single-thread build): {total / 1e6:.0f} M instructions\n")
print("| stage | M instructions | share |")
print("|---|---:|---:|")
for name, n in rows:
    print(f"| {name} | {n / 1e6:.0f} | {100 * n / total:.1f} % |")
rest = total - counted
print(f"| rest (start-up, drops, warnings, ...) | {rest / 1e6:.0f} | {100 * rest / total:.1f} % |")
EOF
