#!/usr/bin/env bash
# Run once by the postgres image when the primary's data directory is first made
# (/docker-entrypoint-initdb.d): a role the replicas stream with, and a rule letting it.
set -euo pipefail
: "${REPLICATION_PASSWORD:?Set REPLICATION_PASSWORD (in .env) for the replicas.}"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v password="$REPLICATION_PASSWORD" <<'SQL'
CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD :'password';
SQL
echo "host replication replicator all scram-sha-256" >>"$PGDATA/pg_hba.conf"
