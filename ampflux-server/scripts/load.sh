#!/usr/bin/env bash
# A bounded load test against loopback with wrk (Debian package): requests/s and p99
# latency of an authenticated read and of a cached simulation (a study that was computed
# before, requested again), and of reading that simulation's result. Fails on any error.
#   ampflux-server/scripts/load.sh [seconds per scenario, default 10] [--postgres]
# With --postgres the server uses PostgreSQL (scripts/services.sh starts it).
set -euo pipefail
cd "$(dirname "$0")/../.."

DURATION="${1:-10}"
DB_KIND="sqlite"
[[ "${2:-}" == "--postgres" || "${1:-}" == "--postgres" ]] && DB_KIND="postgres"
[[ "$DURATION" == "--postgres" ]] && DURATION=10
THREADS="${LOAD_THREADS:-2}"
CONNECTIONS="${LOAD_CONNECTIONS:-32}"
PORT="${LOAD_PORT:-18080}"
BASE="http://127.0.0.1:$PORT"

if ! command -v wrk >/dev/null 2>&1; then
    echo "load.sh: installing wrk" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 && apt-get install -y -qq wrk >&2
fi
cargo build --release -q -p ampflux-server
BIN="${CARGO_TARGET_DIR:-target}/release/ampflux-server"

WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
    [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

if [[ "$DB_KIND" == "postgres" ]]; then
    eval "$(ampflux-server/scripts/services.sh)"
    DB_NAME="ampflux_load_$$"
    su postgres -c "psql -q -c 'DROP DATABASE IF EXISTS $DB_NAME'" && su postgres -c "psql -q -c 'CREATE DATABASE $DB_NAME'"
    DATABASE_URL="${DATABASE_URL_TEST%/*}/$DB_NAME"
else
    DATABASE_URL="sqlite://$WORK/load.db?mode=rwc"
fi

# rate limits off: this measures the server, not the limiter
DATABASE_URL="$DATABASE_URL" AMPFLUX_BIND="127.0.0.1:$PORT" AMPFLUX_SECRET_KEY="load-test-secret-key-of-32-bytes-or-more" \
    AMPFLUX_RATE_LIMIT_IP=0 AMPFLUX_RATE_LIMIT_USER=0 RUST_LOG=warn AMPFLUX_DATABASE_MAX_CONNECTIONS=16 \
    "$BIN" serve >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do curl -sf "$BASE/health" >/dev/null && break; sleep 0.1; done
curl -sf "$BASE/health" >/dev/null || { cat "$WORK/server.log"; exit 1; }

json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
TOKEN="$(curl -sf -X POST "$BASE/api/v1/auth/register" -H 'content-type: application/json' \
    -d '{"company_name":"Load","name":"Load","email":"load@example.com","password":"load test password"}' | json "['access_token']")"
AUTH="Authorization: Bearer $TOKEN"
curl -sf -X PUT "$BASE/api/v1/license" -H "$AUTH" -H 'content-type: application/json' -d '{"plan":"enterprise"}' >/dev/null
PROJECT="$(curl -sf -X POST "$BASE/api/v1/projects" -H "$AUTH" -H 'content-type: application/json' -d '{"name":"Load"}' | json "['id']")"
curl -sf -X POST "$BASE/api/v1/projects/$PROJECT/circuits" -H "$AUTH" -H 'content-type: application/json' \
    --data-binary @examples/networks/industrial_plant.json >/dev/null
STUDY='{"version":1,"study":{"fault":"3ph","case":"max"}}'
SIM="$(curl -sf -X POST "$BASE/api/v1/projects/$PROJECT/simulations" -H "$AUTH" -H 'content-type: application/json' -d "$STUDY" | json "['id']")"
for _ in $(seq 1 200); do
    STATUS="$(curl -sf "$BASE/api/v1/simulations/$SIM" -H "$AUTH" | json "['status']")"
    [[ "$STATUS" == "succeeded" ]] && break
    sleep 0.05
done
[[ "$STATUS" == "succeeded" ]] || { echo "load.sh: the first simulation did not succeed ($STATUS)"; exit 1; }

cat >"$WORK/post.lua" <<LUA
wrk.method = "POST"
wrk.body = '$STUDY'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $TOKEN"
LUA

FAILED=0
run() { # name, wrk arguments...
    local name="$1"; shift
    local out="$WORK/$name.txt"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "$@" >"$out"
    local rps p99 non2xx sock
    rps="$(awk '/^Requests\/sec/ {print $2}' "$out")"
    p99="$(awk '$1 == "99%" {print $2}' "$out")"
    non2xx="$(awk -F': ' '/Non-2xx/ {print $2}' "$out")"
    sock="$(awk '/Socket errors/ {s = $4 + $6 + $8 + $10} END {print s + 0}' "$out" | tr -d ',')"
    printf '%-28s %10s req/s   p99 %8s   errors: non-2xx %s, socket %s\n' "$name" "$rps" "$p99" "${non2xx:-0}" "$sock"
    if [[ -n "$non2xx" || "$sock" != "0" ]]; then FAILED=1; cat "$out"; fi
}

echo "load.sh: $DB_KIND, wrk -t$THREADS -c$CONNECTIONS, ${DURATION}s per scenario, $(nproc) cores"
run authenticated_read -H "$AUTH" "$BASE/api/v1/projects/$PROJECT"
run cached_simulation -s "$WORK/post.lua" "$BASE/api/v1/projects/$PROJECT/simulations"
run simulation_result -H "$AUTH" "$BASE/api/v1/simulations/$SIM"
COMPUTED="$(curl -sf "$BASE/api/v1/simulations/$SIM" -H "$AUTH" | json "['attempts']")"
echo "load.sh: the study was computed in $COMPUTED attempt(s); every other request was served from the stored result"
exit "$FAILED"
