#!/usr/bin/env bash
# Create throughput with a light load generator: wrk (Debian package `wrk`) posts tasks to a
# running ledger for 10 s of warm-up and then the measured duration; the rates per second are
# then read back from the ledger's own records, and the outbox is watched until it has drained.
#
#   benchmarks/create-throughput.sh [ledger-url] [database] [seconds] [connections]
set -euo pipefail

ledger=${1:-http://localhost:8081}
database=${2:-tasklane_ledger}
seconds=${3:-60}
connections=${4:-32}
here=$(cd "$(dirname "$0")" && pwd)
psql_ledger() { psql -h "${PGHOST:-127.0.0.1}" -U "${PGUSER:-postgres}" -d "$database" -Atc "$1"; }

command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }
: "${TASKLANE_IDENTITY_SIGNINGKEY:?set TASKLANE_IDENTITY_SIGNINGKEY to the key the ledger was started with}"

# The identity headers the gateway would send for the tenant in $1: HMAC-SHA256 in the format of
# io.tasklane.contracts.SignedIdentity. The timestamp is set ahead (the ledger accepts clock skew of
# up to tasklane.identity.max-age either way), so one signature lasts a run of up to about 110 s at
# the default of 60 s.
identity() {
  local t=$(($(date +%s) + 55)) scopes="admin tasks:read tasks:write"
  local mac
  mac=$(printf 'tasklane-identity-v1\n%s\n%s\n%s\n%s' "$t" "$1" benchmark "$scopes" \
    | openssl dgst -sha256 -hmac "$TASKLANE_IDENTITY_SIGNINGKEY" -r | cut -d' ' -f1)
  printf 't=%s,v1=%s' "$t" "$mac"
}

echo "Warm-up: 10 s"
BENCH_TENANT=bench-warm BENCH_IDENTITY=$(identity bench-warm) wrk -t2 -c"$connections" -d10s -s "$here/wrk/create.lua" "$ledger" >/dev/null

tenant="bench-wrk-$(date +%s)"
echo "Create load: $connections connections for $seconds s (tenant $tenant)"
BENCH_TENANT=$tenant BENCH_IDENTITY=$(identity "$tenant") wrk -t2 -c"$connections" -d"${seconds}s" -s "$here/wrk/create.lua" "$ledger" \
  | grep -E "Requests/sec|latency p50"

drain_start=$(date +%s%N)
while [ "$(psql_ledger "select count(*) from outbox where published_seq is null")" != 0 ]; do
  sleep 0.1
done
drained_ms=$((($(date +%s%N) - drain_start) / 1000000))

# whole seconds only: the first and the last are partial
psql_ledger "
  with seconds as (
    select date_trunc('second', created_at) as second, count(*) as tasks
    from tasks where tenant = '$tenant' group by 1),
  whole as (
    select tasks from seconds
    where second > (select min(second) from seconds) and second < (select max(second) from seconds))
  select format('tasks=%s whole-seconds=%s mean=%s/s median-second=%s/s slowest-second=%s/s',
    (select sum(tasks) from seconds), count(*), round(avg(tasks)),
    percentile_disc(0.5) within group (order by tasks), min(tasks))
  from whole"
echo "outbox drained $((drained_ms / 1000)).$((drained_ms % 1000 / 100)) s after the load"
