#!/usr/bin/env bash
# Installs what is missing, builds pgpeek (Release, ./build) and starts pgpeekd in the
# foreground on 127.0.0.1:6875 with its data directory ./pgpeek-data.
# Extra arguments are passed to pgpeekd (e.g. --workers 4, --log-level debug).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash tools/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j2 --target pgpeekd

mkdir -p pgpeek-data
echo "starting pgpeekd on 127.0.0.1:6875 (connect: psql -h 127.0.0.1 -p 6875 -U materialize materialize)"
exec build/pgpeekd --listen 127.0.0.1:6875 --data-dir ./pgpeek-data "$@"
