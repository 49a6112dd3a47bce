#!/usr/bin/env bash
# A mixed workload at saturation against the release server on loopback, with wrk (Debian
# package, installed here if missing) and a Lua script choosing each request:
#   50 % reads        GET a project, a circuit history page, a simulation with its result
#   20 % cached       POST a simulation that was computed before (answered from the store)
#   10 % uncached     POST a simulation with study options never seen (queued and computed
#                     by the in-process worker, competing for the same cores)
#   10 % saves        POST a new circuit version (a distinct document each time)
#    5 % logins       POST /api/v1/auth/login (one argon2id verification each)
#    5 % result reads GET the cached simulation with its full result
# Reports requests/s, latency p50/p90/p99 and errors by kind (target: zero), and how many
# uncached studies the worker finished. Non-zero on any error.
#   ampflux-server/scripts/load-mixed.sh [seconds, default 60] [--postgres]
# Environment: LOAD_THREADS (default 2), LOAD_CONNECTIONS (default 32), LOAD_PORT (default
# a free port), LOAD_NO_BUILD=1 (use target/release/ampflux-server as it is). Rate limits are off: this measures the server, not the limiter.
set -euo pipefail
cd "$(dirname "$0")/../.."

DURATION=60
DB_KIND="sqlite"
for arg in "$@"; do
    case "$arg" in
        --postgres) DB_KIND="postgres" ;;
        *) DURATION="$arg" ;;
    esac
done
THREADS="${LOAD_THREADS:-2}"
CONNECTIONS="${LOAD_CONNECTIONS:-32}"
PORT="${LOAD_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"

source ampflux-server/scripts/load-setup.sh

cat >"$WORK/mixed.lua" <<LUA
-- one Lua state per wrk thread; ids make every saved document and uncached study distinct
local token = "$TOKEN"
local project = "$PROJECT"
local sim = "$SIM"
local kinds = {"read", "cached", "uncached", "save", "login", "result"}
-- cumulative percentages, in the order of kinds
local mix = {50, 70, 80, 90, 95, 100}
local threads = {}

function setup(thread)
    thread:set("tid", #threads + 1)
    table.insert(threads, thread)
end

function init(args)
    n = 0
    bad = 0
    sent = {}
    for _, k in ipairs(kinds) do sent[k] = 0 end
end

local function auth_json()
    return {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}
end

function request()
    n = n + 1
    local r = (n * 37 + tid * 11) % 100
    local kind = kinds[#kinds]
    for i, edge in ipairs(mix) do if r < edge then kind = kinds[i]; break end end
    sent[kind] = sent[kind] + 1
    local unique = tid * 1000000 + n
    if kind == "read" then
        local paths = {"/api/v1/projects/" .. project, "/api/v1/projects/" .. project .. "/circuits?per_page=5",
                       "/api/v1/projects/" .. project .. "/simulations?per_page=5"}
        return wrk.format("GET", paths[n % 3 + 1], {["Authorization"] = "Bearer " .. token})
    elseif kind == "result" then
        return wrk.format("GET", "/api/v1/simulations/" .. sim, {["Authorization"] = "Bearer " .. token})
    elseif kind == "cached" then
        return wrk.format("POST", "/api/v1/projects/" .. project .. "/simulations", auth_json(), '$STUDY')
    elseif kind == "uncached" then
        local body = string.format('{"version":1,"study":{"case":"max","tk_s":%.7f}}', 0.1 + unique * 1e-7)
        return wrk.format("POST", "/api/v1/projects/" .. project .. "/simulations", auth_json(), body)
    elseif kind == "save" then
        local body = string.format('{"format":"ampflux-network","version":1,"name":"load","frequency_hz":50,'
            .. '"buses":[{"id":"Q","vn_kv":20.0},{"id":"F","vn_kv":0.4}],'
            .. '"external_grids":[{"id":"Grid","bus":"Q","s_sc_max_mva":346.41,"rx_max":0.1}],'
            .. '"transformers":[{"id":"T1","hv_bus":"Q","lv_bus":"F","sn_mva":0.63,"vn_hv_kv":20.0,'
            .. '"vn_lv_kv":0.41,"vk_percent":%.8f,"vkr_percent":1.0317,"vector_group":"Dyn5"}]}', 4.0 + unique * 1e-8)
        return wrk.format("POST", "/api/v1/projects/" .. project .. "/circuits", auth_json(), body)
    else
        return wrk.format("POST", "/api/v1/auth/login", {["Content-Type"] = "application/json"},
            '{"email":"$EMAIL","password":"$PASSWORD"}')
    end
end

-- (wrk does not tie a response to its request, so errors are counted in all; the first
-- few bodies are printed, they name their cause)
function response(status, headers, body)
    if status < 200 or status > 299 then
        bad = bad + 1
        if bad <= 3 then io.stderr:write(status .. " " .. body:sub(1, 200) .. "\n") end
    end
end

function done(summary, latency, requests)
    local total_sent, non2xx = {}, 0
    for _, k in ipairs(kinds) do total_sent[k] = 0 end
    for _, t in ipairs(threads) do
        local s = t:get("sent")
        for _, k in ipairs(kinds) do total_sent[k] = total_sent[k] + s[k] end
        non2xx = non2xx + t:get("bad")
    end
    local secs = summary.duration / 1e6
    io.write(string.format("MIXED requests %d in %.1f s: %.1f req/s\n", summary.requests, secs, summary.requests / secs))
    io.write(string.format("MIXED latency p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n",
        latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
    local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
    for _, k in ipairs(kinds) do
        io.write(string.format("MIXED kind %-9s %7d requests\n", k, total_sent[k]))
    end
    io.write(string.format("MIXED errors: non-2xx %d, socket %d (connect %d, read %d, write %d, timeout %d)\n",
        non2xx, errors, summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
end
LUA

echo "load-mixed.sh: $DB_KIND, wrk -t$THREADS -c$CONNECTIONS for ${DURATION}s, $(nproc) cores, loopback"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 30s --latency -s "$WORK/mixed.lua" "$BASE" >"$WORK/wrk.txt" 2>"$WORK/wrk.err"
if [[ -s "$WORK/wrk.err" ]]; then echo "  first errors:"; head -5 "$WORK/wrk.err"; fi
grep '^MIXED' "$WORK/wrk.txt" | sed 's/^MIXED /  /'
FAILED=0
NON2XX="$(awk '/^MIXED errors:/ {gsub(",", "", $4); print $4}' "$WORK/wrk.txt")"
SOCKET="$(awk '/^MIXED errors:/ {print $6}' "$WORK/wrk.txt")"
if [[ "$NON2XX" != "0" || "$SOCKET" != "0" ]]; then FAILED=1; cat "$WORK/wrk.txt"; fi

# the worker's side: uncached studies queued during the run, and how many it finished by now
DETAIL="$(curl -sf "$BASE/health/detailed")"
echo "  queue after the run: $(echo "$DETAIL" | json "['queue']['depth']")"
if grep -q '"level":"ERROR"' "$WORK/server.log"; then
    echo "load-mixed.sh: the server logged errors:"; grep '"level":"ERROR"' "$WORK/server.log" | head -5; FAILED=1
fi
exit "$FAILED"
