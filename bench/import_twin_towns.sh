#!/usr/bin/env bash
# Imports the whole twin-towns list (26,114 rows) through `urbandiplo import` into a new
# SQLite file and a new PostgreSQL database, twice each (the second run must create
# nothing), and prints each run's summary line with its time. Both databases are made for
# this run and removed after it.
#
#   bench/import_twin_towns.sh            (PostgreSQL on 127.0.0.1:5432, user postgres)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

csv=tests/data/twin-towns/twin_cities_raw.csv
work=$(mktemp -d)
pg_db="urbandiplo_bench_import_$$"
pg_url="postgresql://postgres@127.0.0.1:5432/$pg_db"
cleanup() {
    rm -rf "$work"
    psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $pg_db" >/dev/null 2>&1 || true
}
trap cleanup EXIT

run() {
    local label=$1 url=$2
    for round in first second; do
        printf '%-10s %-6s ' "$label" "$round"
        .venv/bin/urbandiplo import partnerships "$csv" --database-url "$url" \
            --report "$work/$label-$round.csv" 2>&1 >/dev/null | tail -n 1
    done
}

run sqlite "sqlite:///$work/import.db"
psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $pg_db" >/dev/null
.venv/bin/urbandiplo db upgrade --database-url "$pg_url" >/dev/null 2>&1
run postgres "$pg_url"
