# Shared set-up of the load scripts (sourced by load.sh and load-mixed.sh, after they set
# DB_KIND = sqlite|postgres and PORT): installs wrk when missing, builds the release server
# (unless LOAD_NO_BUILD=1), starts it on 127.0.0.1:$PORT with a fresh SQLite file or PostgreSQL
# database and the rate limits off (the scripts measure the server, not the limiter), and
# seeds an enterprise account with a project, the example circuit (LOAD_CIRCUIT: another
# network document) and one computed simulation. Sets BASE, BIN, WORK, SERVER_PID, TOKEN, AUTH, EMAIL, PASSWORD, PROJECT, STUDY,
# SIM and json(); the EXIT trap stops the server and removes the database.
BASE="http://127.0.0.1:$PORT"

if ! command -v wrk >/dev/null 2>&1; then
    echo "$(basename "$0"): installing wrk" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 && apt-get install -y -qq wrk >&2
fi
# LOAD_NO_BUILD=1 uses the binary as built (another cargo may hold the target lock)
[[ -n "${LOAD_NO_BUILD:-}" ]] || cargo build --release -q -p ampflux-server
BIN="${CARGO_TARGET_DIR:-target}/release/ampflux-server"

WORK="$(mktemp -d)"
OPERATOR="operator-token-of-this-run-$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
SERVER_PID=""
DB_NAME=""
cleanup() {
    if [[ -n "$SERVER_PID" ]]; then kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null; fi
    if [[ -n "$DB_NAME" ]]; then su postgres -c "psql -q -c 'DROP DATABASE IF EXISTS $DB_NAME'" >/dev/null 2>&1 || true; fi
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

DATABASE_URL="$DATABASE_URL" AMPFLUX_BIND="127.0.0.1:$PORT" AMPFLUX_SECRET_KEY="load-test-secret-key-of-32-bytes-or-more" AMPFLUX_OPERATOR_TOKEN="$OPERATOR" \
    AMPFLUX_WEB_DIR="$WORK/no-web" AMPFLUX_RATE_LIMIT_IP=0 AMPFLUX_RATE_LIMIT_USER=0 \
    AMPFLUX_RATE_LIMIT_LOGIN_EMAIL=0 AMPFLUX_RATE_LIMIT_LOGIN_IP=0 RUST_LOG=warn AMPFLUX_DATABASE_MAX_CONNECTIONS="${LOAD_DB_CONNECTIONS:-16}" \
    "$BIN" serve >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do curl -sf "$BASE/health" >/dev/null && break; sleep 0.1; done
curl -sf "$BASE/health" >/dev/null || { cat "$WORK/server.log"; exit 1; }

json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
EMAIL="load@example.com"
PASSWORD="load test password"
TOKEN="$(curl -sf -X POST "$BASE/api/v1/auth/register" -H 'content-type: application/json' \
    -d "{\"company_name\":\"Load\",\"name\":\"Load\",\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" | json "['access_token']")"
AUTH="Authorization: Bearer $TOKEN"
# plans are the operator's: the enterprise plan through the operator's route
COMPANY="$(curl -sf "$BASE/api/v1/users/me" -H "$AUTH" | json "['company_id']")"
curl -sf -X PUT "$BASE/api/v1/admin/companies/$COMPANY/license" -H "Authorization: Bearer $OPERATOR" \
    -H 'content-type: application/json' -d '{"plan":"enterprise"}' >/dev/null
PROJECT="$(curl -sf -X POST "$BASE/api/v1/projects" -H "$AUTH" -H 'content-type: application/json' -d '{"name":"Load"}' | json "['id']")"
curl -sf -X POST "$BASE/api/v1/projects/$PROJECT/circuits" -H "$AUTH" -H 'content-type: application/json' \
    --data-binary "@${LOAD_CIRCUIT:-examples/networks/industrial_plant.json}" >/dev/null
STUDY='{"version":1,"study":{"fault":"3ph","case":"max"}}'
SIM="$(curl -sf -X POST "$BASE/api/v1/projects/$PROJECT/simulations" -H "$AUTH" -H 'content-type: application/json' -d "$STUDY" | json "['id']")"
for _ in $(seq 1 200); do
    STATUS="$(curl -sf "$BASE/api/v1/simulations/$SIM" -H "$AUTH" | json "['status']")"
    [[ "$STATUS" == "succeeded" ]] && break
    sleep 0.05
done
[[ "$STATUS" == "succeeded" ]] || { echo "$(basename "$0"): the first simulation did not succeed ($STATUS)"; exit 1; }
