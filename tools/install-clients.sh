#!/usr/bin/env bash
# Installs the database clients tests/clients/ drives: Debian packages (psql, pgbench,
# psycopg2, psycopg 3, the PostgreSQL JDBC driver, Go with lib/pq and pgx) and the npm
# packages pinned by tests/clients/node/package-lock.json.
# Idempotent: apt is touched only when a package is missing, apt-get update at most once,
# npm ci only when node_modules does not match the lock file.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

PACKAGES=(
  postgresql-client-15 postgresql-15
  python3 python3-psycopg2 python3-psycopg
  libpostgresql-jdbc-java default-jdk-headless
  golang-go golang-github-lib-pq-dev golang-github-jackc-pgx-v4-dev
  nodejs npm
)

missing=()
for p in "${PACKAGES[@]}"; do
  # A removed package lingers as "deinstall ok config-files": only "install ok installed" counts.
  if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" != "install ok installed" ]; then
    missing+=("$p")
  fi
done
# java, javac and node may come from outside Debian (already on the machine): keep them.
command -v javac >/dev/null 2>&1 && missing=("${missing[@]/default-jdk-headless/}")
command -v node >/dev/null 2>&1 && missing=("${missing[@]/nodejs/}")
command -v npm >/dev/null 2>&1 && missing=("${missing[@]/npm/}")
want=()
for p in "${missing[@]}"; do [ -n "$p" ] && want+=("$p"); done

if [ "${#want[@]}" -gt 0 ]; then
  echo "install-clients: installing: ${want[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-clients: not root; install these packages: ${want[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  # Update the lists only when the first install attempt cannot find a package.
  if ! apt-get install -y --no-install-recommends "${want[@]}"; then
    apt-get update
    apt-get install -y --no-install-recommends "${want[@]}"
  fi
fi

NODE_DIR="$ROOT/tests/clients/node"
# npm ci writes node_modules/.package-lock.json; identical to the lock means up to date.
if [ ! -d "$NODE_DIR/node_modules" ] ||
  ! cmp -s <(node -e 'const l=require(process.argv[1]);console.log(JSON.stringify(Object.keys(l.packages).filter(k=>k).sort().map(k=>k+"@"+l.packages[k].version)))' "$NODE_DIR/package-lock.json") \
            <(node -e 'const l=require(process.argv[1]);console.log(JSON.stringify(Object.keys(l.packages).filter(k=>k).sort().map(k=>k+"@"+l.packages[k].version)))' "$NODE_DIR/node_modules/.package-lock.json" 2>/dev/null); then
  echo "install-clients: npm ci in $NODE_DIR"
  (cd "$NODE_DIR" && npm ci --no-audit --no-fund --loglevel=error)
fi
