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

source ampflux-server/scripts/load-setup.sh

cat >"$WORK/post.lua" <<LUA
wrk.method = "POST"
wrk.body = '$STUDY'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $TOKEN"
LUA

FAILED=0
# CPU time of the server process (user + system, in clock ticks): its cost per request does
# not depend on what else runs on the machine, unlike the latencies
cpu_ticks() { awk '{print $14 + $15}' "/proc/$SERVER_PID/stat"; }
TICK_MS="$(( 1000 / $(getconf CLK_TCK) ))"
# on PostgreSQL, the CPU time of the backends serving the server's connections to its
# database (SQLite runs inside the server process); a backend opened during a scenario
# counts from its start, one closed during it is missed
db_pids() {
    su postgres -c "psql -At -c \"SELECT pid FROM pg_stat_activity WHERE datname = '$DB_NAME'\"" 2>/dev/null
}
pid_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
declare -A DB_START
db_mark() { # the CPU ticks of each backend now
    DB_START=()
    local pid
    for pid in $(db_pids); do DB_START[$pid]="$(pid_ticks "$pid")"; done
}
db_used() { # ticks used by the backends since db_mark
    local pid total=0
    for pid in $(db_pids); do
        total=$(( total + $(pid_ticks "$pid") - ${DB_START[$pid]:-0} ))
    done
    echo "$total"
}
run() { # name, wrk arguments...
    local name="$1"; shift
    local out="$WORK/$name.txt"
    local before after db_ticks=0
    [[ "$DB_KIND" == "postgres" ]] && db_mark
    before="$(cpu_ticks)"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "$@" >"$out"
    after="$(cpu_ticks)"
    [[ "$DB_KIND" == "postgres" ]] && db_ticks="$(db_used)"
    local rps p99 non2xx sock requests cpu
    rps="$(awk '/^Requests\/sec/ {print $2}' "$out")"
    p99="$(awk '$1 == "99%" {print $2}' "$out")"
    non2xx="$(awk -F': ' '/Non-2xx/ {print $2}' "$out")"
    sock="$(awk '/Socket errors/ {s = $4 + $6 + $8 + $10} END {print s + 0}' "$out" | tr -d ',')"
    requests="$(awk '/requests in/ {print $1}' "$out")"
    cpu="$(awk -v t="$(( (after - before) * TICK_MS ))" -v n="$requests" 'BEGIN {printf "%.3f", (n > 0 ? t / n : 0)}')"
    local db=""
    if [[ "$DB_KIND" == "postgres" ]]; then
        db="$(awk -v t="$(( db_ticks * TICK_MS ))" -v n="$requests" 'BEGIN {printf "%.3f", (n > 0 ? t / n : 0)}')"
        db="   database CPU $db ms/request"
    fi
    printf '%-28s %10s req/s   p99 %8s   server CPU %s ms/request%s   errors: non-2xx %s, socket %s\n' \
        "$name" "$rps" "$p99" "$cpu" "$db" "${non2xx:-0}" "$sock"
    if [[ -n "$non2xx" || "$sock" != "0" ]]; then FAILED=1; cat "$out"; fi
}

echo "load.sh: $DB_KIND, wrk -t$THREADS -c$CONNECTIONS, ${DURATION}s per scenario, $(nproc) cores"
# steady state: the pool opens its database connections on demand (on PostgreSQL each one a
# new backend process and a SCRAM handshake, several ms of CPU), so a short unmeasured run
# at the same concurrency opens them before the first scenario is timed
wrk -t"$THREADS" -c"$CONNECTIONS" -d2s -H "$AUTH" "$BASE/api/v1/projects/$PROJECT" >/dev/null
run authenticated_read -H "$AUTH" "$BASE/api/v1/projects/$PROJECT"
perf stat -e task-clock,context-switches,page-faults,raw_syscalls:sys_enter -p "$SERVER_PID" -o /tmp/lb5/stat.$TAG.txt -- sleep 5 &>/dev/null & PERF=$!; run cached_simulation -s "$WORK/post.lua" "$BASE/api/v1/projects/$PROJECT/simulations"; wait $PERF
# how the cache hits were written: groups, hits per group, the group's write time
curl -sf "$BASE/metrics" | awk '
    /^ampflux_study_cache_hit_group_size_(sum|count)/ { size[$1] = $2 }
    /^ampflux_study_cache_hit_group_seconds_(sum|count)/ { secs[$1] = $2 }
    /^ampflux_study_cache_hit_group_seconds_bucket/ { match($1, /le="[^"]*"/); le[++nb] = substr($1, RSTART + 4, RLENGTH - 5); cum[nb] = $2 }
    END {
        n = size["ampflux_study_cache_hit_group_size_count"]
        for (i = 1; i <= nb; i++) if (cum[i] >= 0.99 * n) { p99 = le[i]; break }
        if (n > 0) printf "%-28s %d groups, %.1f hits per group, write %.2f ms mean, 99 %% within %s s\n", "  cache-hit writes", n,
            size["ampflux_study_cache_hit_group_size_sum"] / n,
            1000 * secs["ampflux_study_cache_hit_group_seconds_sum"] / n, p99
    }'
run simulation_result -H "$AUTH" "$BASE/api/v1/simulations/$SIM"
COMPUTED="$(curl -sf "$BASE/api/v1/simulations/$SIM" -H "$AUTH" | json "['attempts']")"
echo "load.sh: the study was computed in $COMPUTED attempt(s); every other request was served from the stored result"
exit "$FAILED"
