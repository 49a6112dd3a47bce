#!/usr/bin/env bash
# Installs (if needed) and starts PostgreSQL 15 and Redis on loopback, as the toolchain notes
# describe, and prints the URLs for the tests:
#   eval "$(ampflux-server/scripts/services.sh)"
# Idempotent: running services are reused. Logs go to stderr; stdout has only the exports.
set -euo pipefail

log() { echo "services: $*" >&2; }

PG_PORT="${AMPFLUX_TEST_PG_PORT:-5432}"
REDIS_PORT="${AMPFLUX_TEST_REDIS_PORT:-6379}"
PG_PASSWORD="ampflux-test"

need=()
command -v pg_ctlcluster >/dev/null 2>&1 || need+=(postgresql)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
if ((${#need[@]})); then
    log "installing ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq "${need[@]}" >&2
fi

# PostgreSQL: the Debian cluster, listening on loopback only
PG_VERSION="$(ls /etc/postgresql 2>/dev/null | sort -V | tail -1)"
if [[ -z "$PG_VERSION" ]]; then
    log "no PostgreSQL cluster found"; exit 1
fi
if ! pg_lsclusters -h | awk -v v="$PG_VERSION" '$1 == v && $2 == "main" && $4 == "online"' | grep -q .; then
    log "starting PostgreSQL $PG_VERSION"
    pg_ctlcluster "$PG_VERSION" main start >&2
fi
for _ in $(seq 1 50); do
    pg_isready -q -h 127.0.0.1 -p "$PG_PORT" && break
    sleep 0.2
done
pg_isready -q -h 127.0.0.1 -p "$PG_PORT" || { log "PostgreSQL does not answer on port $PG_PORT"; exit 1; }
# a password for TCP logins of the postgres role (tests create and drop databases)
su postgres -c "psql -q -p $PG_PORT -c \"ALTER USER postgres PASSWORD '$PG_PASSWORD'\"" >&2
# databases left behind by interrupted test runs
su postgres -c "psql -At -p $PG_PORT -c \"SELECT datname FROM pg_database WHERE datname LIKE 'ampflux_t_%'\"" |
    while read -r db; do
        [[ -n "$db" ]] && su postgres -c "psql -q -p $PG_PORT -c 'DROP DATABASE IF EXISTS \"$db\"'" >&2 || true
    done

# Redis: no persistence, loopback only
if ! redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    log "starting Redis on port $REDIS_PORT"
    redis-server --daemonize yes --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no >&2
    for _ in $(seq 1 50); do
        redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
        sleep 0.1
    done
fi
redis-cli -p "$REDIS_PORT" ping >/dev/null || { log "Redis does not answer on port $REDIS_PORT"; exit 1; }

echo "export DATABASE_URL_TEST=postgres://postgres:${PG_PASSWORD}@127.0.0.1:${PG_PORT}/postgres"
echo "export REDIS_URL_TEST=redis://127.0.0.1:${REDIS_PORT}/0"
