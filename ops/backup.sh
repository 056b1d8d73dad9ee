#!/usr/bin/env bash
# Back up the database named by DATABASE_URL with pg_dump, in its custom format (compressed,
# and pg_restore can restore it whole, in parallel or in part), to
# BACKUP_DIR/hubdiary-<UTC date and time>.dump. Prints the file's path.
#   DATABASE_URL=postgres://... BACKUP_DIR=/srv/backups ops/backup.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=ops/pg-tools.sh
. "$here/pg-tools.sh"

: "${DATABASE_URL:?Set DATABASE_URL to the database to back up (see .env.example).}"
postgres_url "$DATABASE_URL" DATABASE_URL
backup_dir=${BACKUP_DIR:-var/backups}
pg_dump=$(pg_tool pg_dump)

# Backups hold patient data: only their owner may read them.
umask 077
mkdir -p "$backup_dir"
target="$backup_dir/hubdiary-$(date -u +%Y%m%dT%H%M%SZ).dump"
if [ -e "$target" ]; then
  echo "$target already exists: wait a second and back up again." >&2
  exit 1
fi
# Written under a temporary name and renamed when whole, so a file with a backup's name is
# always a complete backup.
partial="$target.partial"
trap 'rm -f "$partial"' EXIT
"$pg_dump" --format=custom --compress=6 --dbname="$DATABASE_URL" --file="$partial"
mv "$partial" "$target"
echo "$target"
