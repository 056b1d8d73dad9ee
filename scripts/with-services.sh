#!/usr/bin/env bash
# Run a command with a throwaway PostgreSQL cluster, Redis server and local NHS login and
# CIS2 providers (OpenID Connect providers: scripts/nhs-login-provider.mjs and
# scripts/cis2-provider.mjs), all stopped afterwards. Exports DATABASE_URL,
# CELERY_BROKER_URL, CACHE_URL, NHS_LOGIN_* and CIS2_* for the command.
# HUBDIARY_PG_OPTIONS: more PostgreSQL settings ("-c name=value ..."), after the defaults
# below, so they win (bench/services.sh turns durability back on and adds memory).
set -euo pipefail

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$pg_bin" ]; then
  echo "PostgreSQL server binaries not found: run 'make services' as root first." >&2
  exit 1
fi
command -v redis-server >/dev/null || { echo "redis-server not found: run 'make services' as root first." >&2; exit 1; }

command -v node >/dev/null || { echo "node not found: install Node.js first." >&2; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)

workdir=$(mktemp -d "${TMPDIR:-/tmp}/hubdiary-services.XXXXXX")
chmod 755 "$workdir"
pg_port=$(free_port)
redis_port=$(free_port)
nhs_login_port=$(free_port)
cis2_port=$(free_port)

# PostgreSQL refuses to run as root: when we are root, the cluster belongs to 'postgres'.
as_pg() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

cleanup() {
  [ -n "${nhs_login_pid:-}" ] && kill "$nhs_login_pid" 2>/dev/null || true
  [ -n "${cis2_pid:-}" ] && kill "$cis2_pid" 2>/dev/null || true
  as_pg "$pg_bin/pg_ctl" -D "$workdir/pg" -m immediate stop >/dev/null 2>&1 || true
  redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$workdir"
}
trap cleanup EXIT INT TERM

mkdir -p "$workdir/pg"
[ "$(id -u)" = "0" ] && chown -R postgres:postgres "$workdir/pg"
as_pg "$pg_bin/initdb" -D "$workdir/pg" -U hubdiary -A trust -E UTF8 --no-sync >/dev/null
# Durability settings off: this cluster lives for one test run.
as_pg "$pg_bin/pg_ctl" -D "$workdir/pg" -l "$workdir/pg/server.log" -w -o \
  "-p $pg_port -k $workdir/pg -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 ${HUBDIARY_PG_OPTIONS:-}" \
  start >/dev/null
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no \
  --daemonize yes --dir "$workdir" --logfile "$workdir/redis.log" >/dev/null
for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done

# A client key for this run (PKCS#8 PEM), for a provider to be given its public half.
client_key() {
  node -e 'const { generateKeyPairSync } = require("node:crypto");
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    process.stdout.write(privateKey.export({ type: "pkcs8", format: "pem" }));' >"$1"
}

# Wait for the provider on port $1 to publish its discovery document; $2 is its log.
wait_for_provider() {
  python3 - "$1" <<'WAIT' || { echo "A local OpenID Connect provider did not start:" >&2; cat "$2" >&2; exit 1; }
import sys, time, urllib.request
url = f"http://127.0.0.1:{sys.argv[1]}/.well-known/openid-configuration"
for _ in range(100):
    try:
        urllib.request.urlopen(url, timeout=1)
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit(1)
WAIT
}

# The local NHS login, whose test users are the demo's patients, and the local CIS2, whose
# users are whoever the tests say they are.
client_key "$workdir/nhs-login-client.pem"
NHS_LOGIN_PORT=$nhs_login_port NHS_LOGIN_CLIENT_ID=hub-diary-local \
  NHS_LOGIN_CLIENT_KEY="$workdir/nhs-login-client.pem" \
  NHS_LOGIN_USERS="$here/../demo/nhs_login_users.json" \
  node "$here/nhs-login-provider.mjs" >"$workdir/nhs-login.log" 2>&1 &
nhs_login_pid=$!
client_key "$workdir/cis2-client.pem"
CIS2_PORT=$cis2_port CIS2_CLIENT_ID=hub-diary-local CIS2_CLIENT_KEY="$workdir/cis2-client.pem" \
  node "$here/cis2-provider.mjs" >"$workdir/cis2.log" 2>&1 &
cis2_pid=$!
wait_for_provider "$nhs_login_port" "$workdir/nhs-login.log"
wait_for_provider "$cis2_port" "$workdir/cis2.log"
export NHS_LOGIN_ISSUER="http://127.0.0.1:$nhs_login_port"
export NHS_LOGIN_CLIENT_ID=hub-diary-local
export NHS_LOGIN_PRIVATE_KEY_FILE="$workdir/nhs-login-client.pem"
export CIS2_ENABLED=true
export CIS2_ISSUER="http://127.0.0.1:$cis2_port"
export CIS2_CLIENT_ID=hub-diary-local
export CIS2_PRIVATE_KEY_FILE="$workdir/cis2-client.pem"

export DATABASE_URL="postgres://hubdiary@127.0.0.1:$pg_port/postgres"
export CELERY_BROKER_URL="redis://127.0.0.1:$redis_port/0"
export CACHE_URL="redis://127.0.0.1:$redis_port/1"
export HUBDIARY_TEST_SERVICES="$workdir"

set +e
"$@"
status=$?
set -e
exit $status
