#!/usr/bin/env bash
# Installs the Debian 12 packages pgpeek needs to build, run and test.
# Idempotent and fast: when every package is already installed, apt is not touched.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config
  libevent-dev libssl-dev libpg-query-dev libprotobuf-c-dev libxxhash-dev
  libjemalloc-dev libpq-dev libgmp-dev
  postgresql-15 postgresql-client-15
  clang-format
)

missing=()
for p in "${PACKAGES[@]}"; do
  # "install ok installed" only: a removed package can linger as "deinstall ... config-files".
  if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" != "install ok installed" ]; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages and not root; run as root (or install them): ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends "${missing[@]}"
