#!/usr/bin/env bash
# Restore a backup made by ops/backup.sh into the database named by TARGET_URL (or, if not
# given, DATABASE_URL), in one transaction: all of it or none.
#   ops/restore.sh BACKUP_FILE [TARGET_URL]
# The database must exist. One that already holds tables is refused unless FORCE=1, which
# drops and recreates what the backup holds (objects the backup does not know are left).
# Owners and grants are not restored: everything belongs to the user in the URL.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=ops/pg-tools.sh
. "$here/pg-tools.sh"

backup=${1:-}
if [ -z "$backup" ]; then
  echo "Usage: ops/restore.sh BACKUP_FILE [TARGET_URL]  (make restore BACKUP=... [TARGET_URL=...] [FORCE=1])" >&2
  exit 2
fi
[ -f "$backup" ] || { echo "No backup at $backup." >&2; exit 1; }
target=${2:-${DATABASE_URL:-}}
[ -n "$target" ] || { echo "Give a TARGET_URL or set DATABASE_URL to the database to restore into." >&2; exit 1; }
postgres_url "$target" "The target"
psql=$(pg_tool psql)
pg_restore=$(pg_tool pg_restore)

# Read the archive's table of contents first: a damaged or foreign file stops here.
"$pg_restore" --list "$backup" >/dev/null

tables=$("$psql" --dbname="$target" --no-psqlrc --tuples-only --no-align --quiet --command \
  "SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
   WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
   AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'")
clean=()
if [ "$tables" != "0" ]; then
  if [ "${FORCE:-}" != "1" ]; then
    echo "The target database already holds $tables tables: refusing to restore over it. Restore into an empty database, or set FORCE=1 to replace what the backup holds." >&2
    exit 1
  fi
  clean=(--clean --if-exists)
fi

"$pg_restore" --dbname="$target" --single-transaction --exit-on-error --no-owner \
  --no-privileges "${clean[@]}" "$backup"
echo "Restored $backup."
