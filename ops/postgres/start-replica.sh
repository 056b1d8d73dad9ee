#!/usr/bin/env bash
# A streaming replica: on first start, copy the primary with pg_basebackup (which writes
# the standby settings and makes a replication slot, so the primary keeps the WAL this
# replica has not had yet); then run as a hot standby, read-only.
#   PRIMARY_HOST, REPLICATION_PASSWORD, REPLICA_SLOT (default replica_1)
set -euo pipefail
: "${PRIMARY_HOST:?Set PRIMARY_HOST to the primary's host name.}"
: "${REPLICATION_PASSWORD:?Set REPLICATION_PASSWORD (in .env) for the replicas.}"
export PGPASSWORD=$REPLICATION_PASSWORD
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  until pg_isready --host "$PRIMARY_HOST" --quiet; do sleep 1; done
  pg_basebackup --host "$PRIMARY_HOST" --username replicator --pgdata "$PGDATA" \
    --wal-method stream --write-recovery-conf \
    --create-slot --slot "${REPLICA_SLOT:-replica_1}" --progress
  chmod 0700 "$PGDATA"
fi
exec postgres -c hot_standby=on
