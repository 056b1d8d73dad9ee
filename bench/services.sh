#!/usr/bin/env bash
# Run a command with the throwaway PostgreSQL and Redis of scripts/with-services.sh, with
# PostgreSQL set up for the benchmarks: production durability (fsync and synchronous commit
# on: a booking is on disk when book_slot returns) and the memory to hold a million slots.
# BENCH_DURABLE=0 turns durability off, to see how much of the booking figure is the disk.
set -euo pipefail

export BENCH_DURABLE="${BENCH_DURABLE:-1}"
# The harness's own in-process requests are many thousands: their log lines only at
# warnings (the gunicorn it measures logs at INFO, as production does: bench/server.py).
export LOG_LEVEL="${LOG_LEVEL:-WARNING}"
durability="-c fsync=on -c synchronous_commit=on -c full_page_writes=on"
if [ "$BENCH_DURABLE" = "0" ]; then
  durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
fi
export HUBDIARY_PG_OPTIONS="$durability -c shared_buffers=1GB -c effective_cache_size=8GB \
-c work_mem=16MB -c maintenance_work_mem=512MB -c max_wal_size=4GB ${HUBDIARY_PG_OPTIONS:-}"
exec "$(dirname "$0")/../scripts/with-services.sh" "$@"
