#!/usr/bin/env bash
# Faults the services must survive, one line per scenario (docs/reliability.md): the ledger and two
# runners from their jars, an in-process broker and a scripted slow model, all on loopback, against
# the PostgreSQL server on 127.0.0.1:5432 (a fresh database per run). Bounded by a timeout.
#
#   benchmarks/reliability.sh [--no-build] [options of io.tasklane.bench.ReliabilityBenchmark]
set -euo pipefail

cd "$(dirname "$0")/.."
if [ "${1:-}" = "--no-build" ]; then
  shift
else
  ./mvnw -B -q -DskipTests package -pl task-ledger-service,runner-service,benchmarks -am
fi
jar=$(ls benchmarks/target/benchmarks-*-exec.jar | head -1)
exec timeout --kill-after=30s "${RELIABILITY_TIMEOUT:-20m}" \
  java -Dloader.main=io.tasklane.bench.ReliabilityBenchmark -jar "$jar" --home . "$@"
