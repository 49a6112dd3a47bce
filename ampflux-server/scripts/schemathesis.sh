#!/usr/bin/env bash
# API fuzzing with schemathesis against the server's own OpenAPI document, on loopback,
# authenticated as a company_admin: every documented operation gets generated requests
# (valid and invalid), and every response must be no 5xx and match the document (status
# code, content type, headers, body schema). Starts the release server on a free port with a
# temporary SQLite database and stops it after. Non-zero on any failure.
#   ampflux-server/scripts/schemathesis.sh [max examples per operation, default 40]
# Environment: ST_SEED (default 1: reproducible runs), ST_WORKERS (default 2).
# Schemathesis is installed from PyPI into target/schemathesis-venv (pinned version).
set -euo pipefail
cd "$(dirname "$0")/../.."

MAX_EXAMPLES="${1:-40}"
SEED="${ST_SEED:-1}"
WORKERS="${ST_WORKERS:-2}"
ST_VERSION="4.1.4"
# hypothesis pinned too: newer releases changed an internal API hypothesis-jsonschema uses
HYPOTHESIS_VERSION="6.140.0"
VENV="${CARGO_TARGET_DIR:-target}/schemathesis-venv"

if ! "$VENV/bin/st" --version 2>/dev/null | grep -q "$ST_VERSION" ||
    ! "$VENV/bin/python" -c "import hypothesis; assert hypothesis.__version__ == '$HYPOTHESIS_VERSION'" 2>/dev/null; then
    echo "schemathesis.sh: installing schemathesis $ST_VERSION into $VENV" >&2
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q "schemathesis==$ST_VERSION" "hypothesis==$HYPOTHESIS_VERSION"
fi
cargo build --release -q -p ampflux-server
BIN="${CARGO_TARGET_DIR:-target}/release/ampflux-server"

WORK="$(mktemp -d)"
OPERATOR="operator-token-of-this-run-$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
SERVER_PID=""
cleanup() {
    if [[ -n "$SERVER_PID" ]]; then kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"
# Rate limits off: the fuzzer sends thousands of requests from one address and one user
# (the limits have their own tests). The body limit stays at its default.
DATABASE_URL="sqlite://$WORK/st.db?mode=rwc" AMPFLUX_BIND="127.0.0.1:$PORT" \
    AMPFLUX_SECRET_KEY="schemathesis-secret-key-of-32-bytes-or-more" AMPFLUX_OPERATOR_TOKEN="$OPERATOR" AMPFLUX_WEB_DIR="$WORK/no-web" \
    AMPFLUX_RATE_LIMIT_IP=0 AMPFLUX_RATE_LIMIT_USER=0 AMPFLUX_RATE_LIMIT_LOGIN_EMAIL=0 \
    AMPFLUX_RATE_LIMIT_LOGIN_IP=0 AMPFLUX_LOG_FORMAT=json RUST_LOG=warn \
    "$BIN" serve >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do curl -sf "$BASE/health" >/dev/null && break; sleep 0.1; done
curl -sf "$BASE/health" >/dev/null || { cat "$WORK/server.log"; exit 1; }

# a company with a project, two circuit versions and a finished simulation, so that the
# operations on a project reach their real code paths, not only the 404 of an unknown id
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
post() { curl -sf -X POST "$BASE$1" -H "$AUTH" -H 'content-type: application/json' --data-binary "$2"; }
TOKEN="$(curl -sf -X POST "$BASE/api/v1/auth/register" -H 'content-type: application/json' \
    -d '{"company_name":"Fuzz","name":"Fuzz","email":"fuzz@example.com","password":"fuzz test password"}' | json "['access_token']")"
AUTH="Authorization: Bearer $TOKEN"
# plans are the operator's: the enterprise plan through the operator's route
COMPANY="$(curl -sf "$BASE/api/v1/users/me" -H "$AUTH" | json "['company_id']")"
curl -sf -X PUT "$BASE/api/v1/admin/companies/$COMPANY/license" -H "Authorization: Bearer $OPERATOR" \
    -H 'content-type: application/json' -d '{"plan":"enterprise"}' >/dev/null
PROJECT="$(post /api/v1/projects '{"name":"Fuzz"}' | json "['id']")"
post "/api/v1/projects/$PROJECT/circuits" @examples/networks/industrial_plant.json >/dev/null
python3 - "$PROJECT" >"$WORK/changed.json" <<'PY'
import json
net = json.load(open("examples/networks/industrial_plant.json"))
net["name"] = net.get("name", "plant") + " (changed)"
print(json.dumps(net))
PY
post "/api/v1/projects/$PROJECT/circuits" "@$WORK/changed.json" >/dev/null
SIM="$(post "/api/v1/projects/$PROJECT/simulations" '{"version":1}' | json "['id']")"
for _ in $(seq 1 200); do
    STATUS="$(curl -sf "$BASE/api/v1/simulations/$SIM" -H "$AUTH" | json "['status']")"
    [[ "$STATUS" == "succeeded" ]] && break
    sleep 0.1
done

# Path ids of the real resources for the operations on them (deleting the project and
# users keep generated ids, so the run does not remove its own fixtures).
cat >"$WORK/schemathesis.toml" <<TOML
[[operations]]
include-path-regex = "^/api/v1/projects/\\\\{id\\\\}"
exclude-method = "DELETE"
parameters = { "path.id" = "$PROJECT" }

[[operations]]
include-path-regex = "^/api/v1/simulations/\\\\{id\\\\}"
parameters = { "path.id" = "$SIM" }
TOML

CHECKS="not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance"
echo "schemathesis.sh: $BASE, up to $MAX_EXAMPLES examples per operation, seed $SEED, checks: $CHECKS"
run_st() {
    "$VENV/bin/st" --config-file "$WORK/schemathesis.toml" run "$BASE/openapi.json" \
        --checks "$CHECKS" \
        --header "$AUTH" \
        --max-examples "$MAX_EXAMPLES" \
        --seed "$SEED" \
        --workers "$WORKERS" \
        --phases examples,coverage,fuzzing \
        --request-timeout 60 \
        --suppress-health-check all \
        --generation-allow-x00 true \
        --generation-database none \
        --report junit --report-dir "${CARGO_TARGET_DIR:-target}/schemathesis-report" \
        --no-color 2>&1 | tee "$WORK/st.out"
    return "${PIPESTATUS[0]}"
}
set +e
run_st
RESULT=$?
# A run whose only errors are dropped connections ("Network Error": the client reused a
# keep-alive connection the server had just closed), with no failed check, runs once more
# with the same seed; a server that died is caught by the health check below.
if [ "$RESULT" -ne 0 ] && grep -q "Network Error" "$WORK/st.out" && ! grep -q "^=* FAILURES =*" "$WORK/st.out"; then
    echo "schemathesis.sh: only network errors; running once more"
    run_st
    RESULT=$?
fi
set -e
if ! curl -sf "$BASE/health" >/dev/null; then
    echo "schemathesis.sh: the server no longer answers /health"
    RESULT=1
fi
if grep -q '"level":"ERROR"' "$WORK/server.log"; then
    echo "schemathesis.sh: the server logged errors:"
    grep '"level":"ERROR"' "$WORK/server.log" | head -20
    RESULT=1
fi
exit "$RESULT"
