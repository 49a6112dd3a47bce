#!/usr/bin/env bash
# Every test of ampflux-server, on SQLite, PostgreSQL and Redis: installs and starts
# PostgreSQL and Redis from Debian packages when needed (scripts/services.sh), then runs
# `cargo test -p ampflux-server` with DATABASE_URL_TEST and REDIS_URL_TEST set, so the
# PostgreSQL and Redis suites run instead of skipping. Idempotent; non-zero on failure.
#   ampflux-server/scripts/test.sh [extra cargo test arguments]
set -euo pipefail
cd "$(dirname "$0")/../.."

eval "$(ampflux-server/scripts/services.sh)"
echo "test.sh: PostgreSQL at ${DATABASE_URL_TEST%%@*}@..., Redis at $REDIS_URL_TEST"
export DATABASE_URL_TEST REDIS_URL_TEST
# the server tests start many servers; two test threads suit a two-core machine
cargo test -p ampflux-server "$@" -- --test-threads "${AMPFLUX_TEST_THREADS:-2}"
