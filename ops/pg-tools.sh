# Sourced by backup.sh and restore.sh: find PostgreSQL's client tools and check the URL.
# pg_dump must be at least as new as the server, so take the newest installed (Debian puts
# each major version under /usr/lib/postgresql/<version>/bin), or PG_BIN if set.

pg_tool() {
  local dir
  if [ -n "${PG_BIN:-}" ]; then
    echo "$PG_BIN/$1"
    return
  fi
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -n "$dir" ] && [ -x "$dir/$1" ]; then
    echo "$dir/$1"
  elif command -v "$1" >/dev/null; then
    command -v "$1"
  else
    echo "$1 not found: install PostgreSQL's client tools (Debian: postgresql-client), or set PG_BIN." >&2
    exit 1
  fi
}

# libpq takes postgres:// and postgresql:// URLs as they are; refuse anything else (the
# demo's SQLite file is not backed up this way: copy var/hubdiary.sqlite3).
postgres_url() {
  case "$1" in
    postgres://* | postgresql://*) ;;
    *)
      echo "$2 must be a postgres:// URL; the demo's SQLite database is not backed up this way." >&2
      exit 1
      ;;
  esac
}
